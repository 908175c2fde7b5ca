"""Words shown to people: one catalogue per language (``catalogue``), the language chosen one
way (``language``), dates and numbers per locale (``formats``), and the tables of messages by
code (problems, fields, CSV lines, verification, reports and emails)."""
