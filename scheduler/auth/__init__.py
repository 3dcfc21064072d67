"""Staff accounts, roles and login."""
