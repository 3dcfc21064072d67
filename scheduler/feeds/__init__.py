"""Secret, revocable webcal feeds (issue 5): one URL per partner, contact, staff user or office."""
