"""A database outage: how to recognise one, and one log line per failure instead of a flood.

While the database is down every request fails the same way; a traceback each (tens of
lines) wrote 69 MB in a 10-second outage. A failure that is an outage is logged as one line
with its number in the current streak; a streak ends after `QUIET_AFTER_SECONDS` without one.
"""

import logging
import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa

log = logging.getLogger("scheduler.outage")
QUIET_AFTER_SECONDS = 60.0
_OUTAGE_ERRORS = (sa.exc.OperationalError, sa.exc.DisconnectionError, sa.exc.TimeoutError)


def is_database_outage(error: BaseException | None) -> bool:
    """True when *error*, or an error it was raised from or while handling, says the database
    cannot be reached or used right now (connection refused or lost, pool exhausted, file
    gone, database locked), as opposed to a bug or bad data."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, _OUTAGE_ERRORS):
            return True
        if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def _first_line(error: BaseException) -> str:
    """The error's own first line (SQLAlchemy appends the SQL and a link on later lines)."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0][:300] if text else ""


class OutageLog:
    """Counts the failures of the current outage; thread-safe (threaded servers). Per
    process on purpose: it only keeps this process's log short (one line per failure, with
    a count); nothing a user or operator reads as a total."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._since: datetime | None = None
        self._last = float("-inf")

    def failure(self, error: BaseException, where: str) -> int:
        """Log one line for this failure at *where* (an endpoint, never a URL: feed links
        are secret) and return its number in the streak."""
        now = time.monotonic()
        with self._lock:
            if now - self._last > QUIET_AFTER_SECONDS:
                self._count, self._since = 0, datetime.now(UTC).replace(microsecond=0)
            self._count += 1
            self._last = now
            count, since = self._count, self._since
        log.error(
            "database unavailable: failure %d since %s at %s: %s: %s",
            count,
            since.isoformat(),
            where,
            type(error).__name__,
            _first_line(error),
        )
        return count


outages = OutageLog()
