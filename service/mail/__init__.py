"""Emails to earners: composed from templates (French, or English when the earner asked), sent
over SMTP by the worker."""
