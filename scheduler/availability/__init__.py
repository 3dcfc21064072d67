"""Availability: working hours and CN/KR holidays (pure functions), plus staff overrides."""
