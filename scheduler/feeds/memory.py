"""Per-process copies of rendered event blocks, keyed so that a copy can never be stale.

Blocks are keyed by cache key and version (the version names the state of the meeting and of
everything else the block shows). The database stays the shared cache and the judge of what
is current; these copies spare reading a megabyte of blocks from it after every change.
Each gunicorn worker has its own.
"""

import threading
from collections import OrderedDict

from flask import current_app


class BoundedMemory:
    """A least-recently-used map of bytes, bounded in total length by a setting."""

    def __init__(self, setting: str, default_limit: int):
        self.setting, self.default_limit = setting, default_limit
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def get_many(self, keys: list[tuple]) -> dict:
        """The values held for *keys* (those missing are left out)."""
        with self._lock:
            found = {key: self._items[key] for key in keys if key in self._items}
            for key in found:
                self._items.move_to_end(key)
            return found

    def put_many(self, items: dict[tuple, bytes], replaces=None) -> None:
        """Store *items*; *replaces(key)* says which older keys the new ones make useless."""
        limit = int(current_app.config.get(self.setting, self.default_limit))
        with self._lock:
            if replaces is not None:
                for old in [k for k in self._items if replaces(k)]:
                    self._size -= len(self._items.pop(old))
            for key, value in items.items():
                if key in self._items:
                    self._size -= len(self._items.pop(key))
                self._items[key] = value
                self._size += len(value)
            while self._size > limit and self._items:
                _key, oldest = self._items.popitem(last=False)
                self._size -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


# About 1 MB per 1,000 events and variant.
blocks = BoundedMemory("FEED_MEMORY_BLOCK_BYTES", 64 * 1024 * 1024)


def clear() -> None:
    """Forget every copy (tests; benchmarks measuring a cold start)."""
    blocks.clear()
