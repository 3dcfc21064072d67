"""Backups that restore: `flask --app scheduler backup create|verify|restore`.

A backup is a folder: the database (SQLite's online backup API or ``pg_dump``), a copy of
UPLOAD_FOLDER under ``uploads/`` and ``manifest.json`` (app version, migration revision, row
counts, a SHA-256 of every file), written last: a folder without it is not a backup.
"""
