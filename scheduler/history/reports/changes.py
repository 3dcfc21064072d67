"""The statistics' version: one number drawn anew at the commit of any transaction that
changed a table the figures are made of, so a worker knows from one small read whether the
figures it holds (scheduler/history/reports/cache.py) are still those of the database.

The version changes at commit, not at the flush or from the rows' ``updated_at``: a
transaction that flushed earlier but commits later would otherwise leave the newest
timestamp unchanged and a worker holding stale figures. Every session is watched: an ORM
flush that adds, changes or deletes a row of STATISTICS_TABLES, or a bulk ``insert``,
``update`` or ``delete`` on one of them through ``Session.execute``. SQL that bypasses the
session (raw connections, a restored backup) is not seen: call `bump` after it.
"""

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler.db import watch_every_session
from scheduler.history.reports.models import StatisticsChanges

# Everything a figure, a chart or the partner × year table is counted from.
STATISTICS_TABLES = frozenset(
    {"meetings", "meeting_partners", "partners", "visits", "visit_partners", "follow_ups"}
)
_PENDING = "statistics_changed"  # key in Session.info


def _counted(thing) -> bool:
    """Whether *thing* (a mapped object or a bulk statement) is a row of STATISTICS_TABLES."""
    table = getattr(thing, "__table__", None)
    if table is None:
        table = getattr(thing, "table", None)
    return getattr(table, "name", "") in STATISTICS_TABLES


def _after_flush(session: Session, _context) -> None:
    if any(_counted(obj) for obj in (*session.new, *session.deleted, *session.dirty)):
        session.info[_PENDING] = True


def _do_orm_execute(state) -> None:
    bulk = state.is_insert or state.is_update or state.is_delete
    if bulk and _counted(state.statement):
        state.session.info[_PENDING] = True


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: look at it now
    if session.info.pop(_PENDING, False):
        bump(session.connection())


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # a rolled-back savepoint leaves the outer change pending
        session.info.pop(_PENDING, None)


def bump(connection: sa.Connection) -> int:
    """Draw a new version (also after SQL the hooks cannot see, such as a restored backup);
    returns it. A random number, not a count: a raise that was rolled back (as every test's
    is) could otherwise be drawn again for other rows and pass off old figures as current."""
    table, version = StatisticsChanges.__table__, secrets.randbits(62)
    changed = connection.execute(sa.update(table).where(table.c.id == 1).values(version=version))
    if changed.rowcount == 0:  # a database that lacks the row
        connection.execute(sa.insert(table).values(id=1, version=version))
    return version


def current(connection: sa.Connection) -> int:
    """The version now (0 before any change was counted)."""
    table = StatisticsChanges.__table__
    return connection.scalar(sa.select(table.c.version).where(table.c.id == 1)) or 0


def pending(session: Session) -> bool:
    """Whether *session* holds changes to the counted tables that are not committed yet:
    figures it reads now are not those of any version."""
    _after_flush(session, None)
    return bool(session.info.get(_PENDING))


def install() -> None:
    """Watch every Session (once per process; the tests build many apps)."""
    hooks = {
        "after_flush": _after_flush,
        "do_orm_execute": _do_orm_execute,
        "before_commit": _before_commit,
        "after_transaction_end": _after_transaction_end,
    }
    watch_every_session(hooks.items())
