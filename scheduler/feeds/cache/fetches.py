"""How often each feed is fetched, and by what: counted in memory, written now and then."""

import threading
import time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds.models import Feed


class FetchCounter:
    """Fetch statistics without a write per request: counts gather in memory and are written
    at most once per feed every FEED_FETCH_WRITE_SECONDS (the first fetch in a process writes
    at once). A worker that dies loses at most that many seconds of counts."""

    def __init__(self):
        self._pending: dict[int, list] = {}
        self._written: dict[int, float] = {}
        self._lock = threading.Lock()

    def _take_due(self, feed_id: int, user_agent: str, at: datetime, every: float):
        now = time.monotonic()
        with self._lock:
            count, _old_at, _old_ua = self._pending.get(feed_id, (0, at, ""))
            self._pending[feed_id] = [count + 1, at, user_agent]
            if now - self._written.get(feed_id, float("-inf")) < every:
                return None
            self._written[feed_id] = now
            return self._pending.pop(feed_id)

    def add(self, feed_id: int, user_agent: str) -> None:
        """Count one fetch; write the gathered counts when this feed's turn has come (in
        the request's session: the request keeps it, see `scheduler.feeds.cache.serve`)."""
        every = float(current_app.config.get("FEED_FETCH_WRITE_SECONDS", 300))
        due = self._take_due(feed_id, (user_agent or "")[:300], now_utc(), every)
        if due is None:
            return
        count, at, agent = due
        counted = {"fetch_count": Feed.fetch_count + count, "last_fetched_at": at}
        db.session.execute(
            sa.update(Feed).where(Feed.id == feed_id).values(**counted, last_user_agent=agent)
        )

    def clear(self) -> None:
        """Forget every count (tests)."""
        with self._lock:
            self._pending.clear()
            self._written.clear()


fetch_counter = FetchCounter()
