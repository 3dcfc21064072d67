"""Rooms: the admins' list (page and `flask rooms`), and how a room is named and offered."""
