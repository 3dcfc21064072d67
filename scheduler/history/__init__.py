"""Exchange history: outcomes and minutes, follow-ups, search, statistics, reports."""
