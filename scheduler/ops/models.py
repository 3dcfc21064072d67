"""The scheduler process's heartbeat and the counts of its job runs, kept in the database so
every web worker on every host can report them (/healthz, /metrics)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import UTCDateTime
from scheduler.extensions import db


class SchedulerHeartbeat(db.Model):
    """One row per running scheduler process, rewritten every HEARTBEAT_INTERVAL_SECONDS."""

    __tablename__ = "scheduler_heartbeats"

    # "host:pid": two scheduler processes (allowed: claims keep them apart) beat separately.
    process: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class JobCount(db.Model):
    """How often a job ran with an outcome ("ok", "error") or produced an item ("sent",
    "retry", "failed" for mail delivery; "sent", "skipped", "follow_ups" for reminders).
    Only ever added to: Prometheus reads them as counters."""

    __tablename__ = "job_counts"

    job: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
