"""How often one answer link may post: POLL_ANSWER_LIMIT answers per link in
POLL_ANSWER_WINDOW_SECONDS, counted in the shared limit store (scheduler/limits), so every
worker sees the same numbers. A person changing their mind a few times is never stopped; a
script hammering one link is (429), and once it is, nothing more is written."""

from datetime import timedelta

from flask import current_app

from scheduler.limits.store import limit_key, limit_store

DEFAULT_LIMIT = 20
DEFAULT_WINDOW_SECONDS = 600


def _key(invitee_id: int) -> str:
    return limit_key("poll-answer", str(invitee_id))


def _window() -> timedelta:
    seconds = current_app.config.get("POLL_ANSWER_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return timedelta(seconds=float(seconds))


def answer_allowed(invitee_id: int) -> bool:
    """Count one answer from this link; False (and nothing counted) once it is over the limit."""
    limit = int(current_app.config.get("POLL_ANSWER_LIMIT", DEFAULT_LIMIT))
    if limit_store().count(_key(invitee_id), _window()) >= limit:
        return False
    limit_store().hit(_key(invitee_id), _window())
    return True
