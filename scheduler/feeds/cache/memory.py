"""Per-process copies of feed work, kept so that a copy can never be used stale.

Blocks are keyed by cache key and version (the version names the state of the meeting and of
everything else the block shows); a feed's rows carry the change generation they were read
at, and only the meetings logged as changed since are read again (see content.py). The
database stays the judge of what is current; these copies spare reading a megabyte of blocks
or a thousand rows after every change. Each gunicorn worker has its own.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app


class BoundedMemory:
    """A least-recently-used map of key → (version, bytes), bounded in total length by a
    setting. A key holds one version: storing a newer one replaces the old."""

    def __init__(self, setting: str, default_limit: int):
        self.setting, self.default_limit = setting, default_limit
        self._items: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def current(self, wanted: dict[str, str]) -> dict[str, bytes]:
        """The values held for *wanted* (key → version) in exactly that version."""
        found = {}
        with self._lock:
            items = self._items
            for key, version in wanted.items():
                held = items.get(key)
                if held is not None and held[0] == version:
                    found[key] = held[1]
                    items.move_to_end(key)
        return found

    def put_many(self, items: dict[str, tuple[str, bytes]]) -> None:
        """Store key → (version, value) pairs, dropping the least recently used over the limit."""
        limit = int(current_app.config.get(self.setting, self.default_limit))
        with self._lock:
            for key, held in items.items():
                old = self._items.pop(key, None)
                if old is not None:
                    self._size -= len(old[1])
                self._items[key] = held
                self._size += len(held[1])
            while self._size > limit and self._items:
                _key, (_version, oldest) = self._items.popitem(last=False)
                self._size -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


@dataclass(frozen=True)
class KnownRows:
    """A feed's rows as read at a change generation, and how long time alone leaves them."""

    generation: int
    rules: str
    valid_until: datetime | None
    rows: list
    staff_names: str


class LatestRows:
    """Each feed's rows as this process last read them, for the most recently used feeds
    (about 200 kB per 1,000 rows): after a change only the changed meetings are re-read."""

    def __init__(self, limit: int = 64):
        self.limit = limit
        self._items: OrderedDict[int, KnownRows] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, feed_id: int) -> KnownRows | None:
        with self._lock:
            known = self._items.get(feed_id)
            if known is not None:
                self._items.move_to_end(feed_id)
            return known

    def put(self, feed_id: int, known: KnownRows) -> None:
        with self._lock:
            self._items.pop(feed_id, None)
            self._items[feed_id] = known
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# About 1 MB per 1,000 events and variant.
blocks = BoundedMemory("FEED_MEMORY_BLOCK_BYTES", 64 * 1024 * 1024)
rows = LatestRows()


def clear() -> None:
    """Forget every copy (tests; benchmarks measuring a cold start)."""
    blocks.clear()
    rows.clear()
