"""The scheduler process says it is alive (a heartbeat row) and what its jobs did (counts).

Both are written by the scheduler process (`scheduler.jobs`) in transactions of their own and
read by the web workers at /healthz and /metrics: the process running the jobs is not the one
answering the probes, so the database is where they meet.
"""

import os
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa

from scheduler.db import now_utc, upsert
from scheduler.extensions import db
from scheduler.ops.models import JobCount, SchedulerHeartbeat

FORGET_AFTER = timedelta(days=1)  # rows of processes that died without saying goodbye
# When this process began beating, by "host:pid". Per process by design, not shared state:
# it is this process's own start, written into its own heartbeat row, which is what every
# worker and host reads (a fork has another pid, so another entry).
_started: dict[str, datetime] = {}


def process_name() -> str:
    """This process as "host:pid" (computed each time: a fork gets its own)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(now: datetime | None = None) -> None:
    """Write this process's heartbeat (flushes; the caller commits) and drop the rows of
    processes silent for a day."""
    now = now or now_utc()
    name = process_name()
    started = _started.setdefault(name, now)
    row = {"process": name, "started_at": started, "beat_at": now}
    upsert(db.session, SchedulerHeartbeat.__table__, [row], ["process"])
    db.session.execute(
        sa.delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - FORGET_AFTER)
    )


def forget() -> None:
    """Remove this process's heartbeat (a clean stop; the caller commits)."""
    db.session.execute(
        sa.delete(SchedulerHeartbeat).where(SchedulerHeartbeat.process == process_name())
    )


def add_counts(job: str, counts: Mapping[str, int], now: datetime | None = None) -> None:
    """Add *counts* (outcome → how many) to *job*'s counters (flushes; the caller commits)."""
    now = now or now_utc()
    rows = [
        {"job": job, "outcome": outcome, "count": int(n), "last_at": now}
        for outcome, n in counts.items()
        if n
    ]
    upsert(db.session, JobCount.__table__, rows, ["job", "outcome"], add=("count",))


def newest_beat(connection: sa.Connection) -> datetime | None:
    """When a scheduler process last beat (None: never, or all forgotten)."""
    return connection.scalar(sa.select(sa.func.max(SchedulerHeartbeat.beat_at)))
