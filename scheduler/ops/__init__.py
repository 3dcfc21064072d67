"""What operators watch: the scheduler's heartbeat and job counts, /healthz and /metrics."""

import sqlalchemy as sa

from scheduler.db import autocommit_options
from scheduler.extensions import db


def reading_connection() -> sa.Connection:
    """A connection of its own whose statements each run alone: the health and metrics
    reads neither wait for nor hold the write lock a request's session may hold (SQLite)."""
    return db.engine.connect().execution_options(**autocommit_options(db.engine.dialect.name))
