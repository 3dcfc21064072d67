"""Meetings, participants, rooms and visits across two time zones."""
