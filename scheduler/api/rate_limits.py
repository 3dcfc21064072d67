"""Requests per token and minute, counted in the shared limit store (`scheduler.limits`:
the database, or Redis when REDIS_URL is set), so every worker and host sees the same count.

Reads and writes have their own budget (API_READS_PER_MINUTE, API_WRITES_PER_MINUTE): a
client polling the meeting list must not use up the budget of its bookings. A request over
the limit is answered 429 with Retry-After and counts nothing.
"""

from datetime import timedelta

from flask import current_app, g, request
from flask_smorest import abort

from scheduler.limits.store import limit_key, limit_store
from scheduler.transaction import SAFE_METHODS

WINDOW = timedelta(minutes=1)
# POST operations that change nothing: they spend the read budget.
READ_POSTS = frozenset({"api_v1_slots.search_slots"})


def _is_read() -> bool:
    return request.method in SAFE_METHODS or request.endpoint in READ_POSTS


def limit_request() -> None:
    """Before every API view, after the token is known: count the request, or 429."""
    kind = "read" if _is_read() else "write"
    limit = int(current_app.config[f"API_{kind.upper()}S_PER_MINUTE"])
    key, store = limit_key(f"api-{kind}", str(g.api_token.id)), limit_store()
    if store.count(key, WINDOW) >= limit:
        abort(429, headers={"Retry-After": str(int(WINDOW.total_seconds()))})
    store.hit(key, WINDOW)
