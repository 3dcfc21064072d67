"""The people at our partners."""
