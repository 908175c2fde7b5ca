"""Open Badges documents: built from our records, parsed from others'."""
