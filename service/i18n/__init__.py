"""Words shown to people, by code, in French and English."""
