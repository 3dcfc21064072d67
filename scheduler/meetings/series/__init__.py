"""Recurring meetings: the rule (`recurrence`, pure), the stored series (`models`), changes to
a series or its occurrences (`services`, `people`), the rule in words and the per-occurrence
flags (`summary`), and the series pages (`forms`, `views`, `people_views`)."""
