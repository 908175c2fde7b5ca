"""Pure rules of the field: no web, no database, no clock of their own."""
