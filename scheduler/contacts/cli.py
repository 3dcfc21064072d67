"""`flask --app scheduler contacts ...` (import/export being built)."""

from flask.cli import AppGroup

contacts = AppGroup("contacts", help="Import and export partner contacts.")
