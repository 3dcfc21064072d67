"""Files attached to a meeting: checked by content, stored on disk in step with the database."""
