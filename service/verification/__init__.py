"""Verification: inputs in, a report of checks out. Bad credentials are results, not exceptions."""
