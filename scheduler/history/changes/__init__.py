"""How the audit log reads to people: translated field labels, human values, and the
dashboard's recent changes with one line per operation."""
