"""The connections the feed cache reads and writes on, outside a transaction.

A feed request reads one small row, and a rebuild checks every read against the change
generation it read first, so neither needs a transaction: each statement runs on its own
(PostgreSQL is spared the BEGIN/COMMIT round trips, SQLite holds its write lock only for a
write). General connection set-up (SQLite's BEGIN, idle pings) stays in `scheduler.db`.
"""

import sqlalchemy as sa

from scheduler.db import autocommit_options
from scheduler.extensions import db


def session_bind() -> sa.Engine | sa.Connection:
    """What the session runs on: the engine, or in the tests one connection already begun
    (asked of the session factory, not a session: a request may never need one)."""
    return db.session.session_factory.kw.get("bind") or db.engine


def use_autocommit() -> None:
    """Put the session's connection in autocommit for the rest of this request (no-op in
    the tests, whose connection is in a transaction already, and when the request has begun
    one already: a signed-in browser opening a feed loads its user first)."""
    bind = session_bind()
    if isinstance(bind, sa.Engine) and not db.session().in_transaction():
        db.session.connection(execution_options=autocommit_options(bind.dialect.name))
