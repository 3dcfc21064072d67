"""Visits: a delegation's stay, its roster and its day-by-day itinerary of meetings."""
