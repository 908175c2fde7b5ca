"""Emails to earners: composed from templates whose words come from the catalogue (the earner's
language first, then the other), sent over SMTP by the worker."""
