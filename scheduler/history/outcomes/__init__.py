"""A meeting's outcome: summaries, minutes and decisions (models, form, service, view)."""
