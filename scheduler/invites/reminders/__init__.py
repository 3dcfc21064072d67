"""Reminders before a meeting: the rows with their due times (`models`), kept in step with the
meeting and turned into mail when due (`services`)."""
