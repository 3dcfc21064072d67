"""How often each feed is fetched, and by what: counts every worker and host add up.

Two stores, chosen like the rate limits' (`scheduler.limits.store`):

- the database (the default): a worker gathers its counts in memory and adds them to the
  feed rows with ``fetch_count = fetch_count + n`` (so workers and hosts never overwrite
  each other's counts), in the request's transaction, once every FEED_FETCH_WRITE_SECONDS
  for all the feeds it counted; and when the worker stops (gunicorn's ``worker_exit``, or
  the interpreter's exit). Only a worker killed outright (kill -9, out of memory) loses its
  counts: at most FEED_FETCH_WRITE_SECONDS of its fetches.
- Redis when REDIS_URL is set (several hosts): each fetch adds one in a Redis hash at once,
  and the scheduler process's ``feed-fetches`` job adds the gathered counts to the database.
  Nothing is kept in a worker.
"""

import atexit
import json
import logging
import threading
import time
import uuid
import weakref
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds.models import Feed

log = logging.getLogger(__name__)


def _add_counts(counts: dict[int, tuple[int, datetime, str]], execute=None) -> None:
    """Add *counts* (feed id → (fetches, last fetched at, last user agent)) to the feed rows
    with *execute* (the session's by default): an increment in SQL, never a value read
    before. In id order, so two writers never wait for each other's rows in turn. The last
    fetch is kept only when it is newer than the one stored: workers and set-aside Redis
    counts reach the database in no particular order."""
    execute = execute or db.session.execute
    for feed_id, (count, at, agent) in sorted(counts.items()):
        newer = sa.or_(Feed.last_fetched_at.is_(None), Feed.last_fetched_at < at)
        execute(
            sa.update(Feed)
            .where(Feed.id == feed_id)
            .values(
                fetch_count=Feed.fetch_count + count,
                last_fetched_at=sa.case(
                    (newer, sa.literal(at, Feed.last_fetched_at.type)), else_=Feed.last_fetched_at
                ),
                last_user_agent=sa.case((newer, agent), else_=Feed.last_user_agent),
            )
        )


class DatabaseFetchCounts:
    """This worker's counts not yet written, added to the database every few minutes."""

    def __init__(self):
        self._pending: dict[int, tuple[int, datetime, str]] = {}
        self._written = float("-inf")  # the first fetch in a process writes at once
        self._lock = threading.Lock()

    def _take(self, every: float | None = None) -> dict:
        """The pending counts, forgotten here; when *every* is given, only if that many
        seconds passed since the last write."""
        with self._lock:
            now = time.monotonic()
            if every is not None and now - self._written < every:
                return {}
            self._written = now
            taken, self._pending = self._pending, {}
            return taken

    def add(self, feed_id: int, user_agent: str) -> None:
        """Count one fetch; when the time has come, write every pending count in the
        request's session (the request keeps it, see `scheduler.feeds.cache.serve`)."""
        with self._lock:
            count = self._pending.get(feed_id, (0,))[0]
            self._pending[feed_id] = (count + 1, now_utc(), user_agent)
        due = self._take(float(current_app.config.get("FEED_FETCH_WRITE_SECONDS", 300)))
        if due:
            _add_counts(due)

    def flush(self) -> int:
        """Write every pending count in a transaction of its own (a stopping worker, tests);
        how many feeds were written."""
        due = self._take()
        if due:
            with db.engine.begin() as connection:
                _add_counts(due, connection.execute)
        return len(due)

    def clear(self) -> None:
        """Forget every pending count and write the next one at once (tests)."""
        self._take()
        self._written = float("-inf")


class RedisFetchCounts:
    """Counts in two Redis hashes shared by every host: fetches per feed, and the last
    fetch's time and user agent. `flush` (the scheduler's job) moves them to the database."""

    def __init__(self, client, prefix: str):
        self._client = client
        self._counts, self._last = f"{prefix}fetches:counts", f"{prefix}fetches:last"

    def add(self, feed_id: int, user_agent: str) -> None:
        last = json.dumps([now_utc().isoformat(), user_agent])
        with self._client.pipeline() as pipe:  # MULTI/EXEC: count and last fetch together
            pipe.hincrby(self._counts, feed_id, 1)
            pipe.hset(self._last, feed_id, last)
            pipe.execute()

    def _taken(self) -> list[str]:
        """Rename the live hashes aside (atomic: a fetch after it counts in a new hash) and
        return every name set aside, also those an interrupted flush left behind."""
        token = uuid.uuid4().hex
        with self._client.pipeline() as pipe:
            pipe.renamenx(self._counts, f"{self._counts}:taken:{token}")
            pipe.renamenx(self._last, f"{self._last}:taken:{token}")
            pipe.execute(raise_on_error=False)  # "no such key" when nothing was fetched
        return sorted(name.decode() for name in self._client.scan_iter(f"{self._counts}:taken:*"))

    def flush(self) -> int:
        """Add the gathered counts to the database, one set aside at a time, each deleted
        from Redis only after its transaction committed; how many feeds were written."""
        written = 0
        for name in self._taken():
            last_name = self._last + name.removeprefix(self._counts)
            counts, last = self._client.hgetall(name), self._client.hgetall(last_name)
            rows = {}
            for key, count in counts.items():
                at, agent = json.loads(last.get(key, b'["", ""]'))
                when = datetime.fromisoformat(at) if at else now_utc()
                rows[int(key)] = (int(count), when, agent)
            _add_counts(rows)
            db.session.commit()  # a job: the counts are in the database before Redis forgets
            self._client.delete(name, last_name)
            written += len(rows)
        return written


def init_fetch_counts(app: Flask) -> None:
    """Choose the app's fetch store (Redis with REDIS_URL, else the database) and write a
    database store's last counts when the process ends."""
    url = app.config.get("REDIS_URL")
    if url:
        import redis  # only deployments with REDIS_URL need it

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        prefix = app.config.get("REDIS_KEY_PREFIX", "cnkr-scheduler:limits:")
        app.extensions["fetch_counts"] = RedisFetchCounts(client, prefix)
        return
    app.extensions["fetch_counts"] = DatabaseFetchCounts()
    atexit.register(flush_on_exit, weakref.ref(app))


def fetch_counts() -> DatabaseFetchCounts | RedisFetchCounts:
    """The current app's fetch store (see `init_fetch_counts`)."""
    return current_app.extensions["fetch_counts"]


def flush_on_exit(app_ref: "Flask | weakref.ref[Flask]") -> None:
    """Write a stopping process's pending counts (gunicorn's ``worker_exit``, atexit)."""
    app = app_ref() if isinstance(app_ref, weakref.ref) else app_ref
    store = app.extensions.get("fetch_counts") if app is not None else None
    if isinstance(store, DatabaseFetchCounts):
        try:
            with app.app_context():
                store.flush()
        except Exception:  # noqa: BLE001 - the process is ending; say so and go on
            log.warning("feed fetch counts not written at exit", exc_info=True)
