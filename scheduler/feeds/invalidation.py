"""Feed cache invalidation: one counter raised in the same transaction as any change a feed
could show, so a cached feed body is known current from one small read.

Every session (the app's and the tests') is watched: an ORM flush that adds, changes or
deletes a row of FEED_TABLES, or a bulk ``insert``/``update``/``delete`` on one of them run
through ``Session.execute``, marks the transaction; its commit then raises
``feed_changes.generation`` by one. Raising it at commit (not at the first flush) keeps the row
lock on the counter as short as possible. SQL that bypasses the session (raw connections,
``text()`` statements) is not seen: call `mark_changed` after it.

A raised generation does not mean a feed changed, only that it might have: the next request
of each feed compares the fingerprint of its contents and re-renders only when that differs.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler.db import now_utc
from scheduler.feeds.models import FeedChanges

# Everything an event block, a feed's scope or its title is made of.
FEED_TABLES = frozenset(
    {"meetings", "meeting_partners", "participants", "meeting_series", "partners", "contacts"}
)
_PENDING = "feeds_changed"  # key in Session.info
# Staff users show in feeds only by e-mail and name (an event's organizer, a staff feed's
# title): a sign-in or a settings change must not send every feed to re-check.
USER_FIELDS_SHOWN = ("email", "name_zh", "name_ko")


def _table_name(thing) -> str:
    table = getattr(thing, "__table__", None)
    return table.name if table is not None else ""


def mark_changed(session: Session) -> None:
    """Raise the feed generation when *session* commits (for changes made outside the ORM)."""
    session.info[_PENDING] = True


def _before_flush(session: Session, _context, _instances) -> None:
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in dirty:
        _stamp_new_partners(obj)
    if not session.info.get(_PENDING):
        touched = [*session.new, *session.deleted, *dirty]
        if any(_table_name(obj) in FEED_TABLES for obj in touched) or any(
            _user_shown_changed(obj) for obj in dirty
        ):
            mark_changed(session)


def _user_shown_changed(obj) -> bool:
    """A staff user whose e-mail or name changed (new users organize nothing yet)."""
    if _table_name(obj) != "users":
        return False
    attributes = sa.inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in USER_FIELDS_SHOWN)


def _stamp_new_partners(obj) -> None:
    """A meeting whose partners changed has changed (its DESCRIPTION names them): without
    this only the link table would be written, and its updated_at, which versions the
    cached event blocks and is the event's DTSTAMP, would still name the old state."""
    if _table_name(obj) == "meetings" and sa.inspect(obj).attrs.partners.history.has_changes():
        obj.updated_at = now_utc()


def _do_orm_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", "") in FEED_TABLES | {"users"}:  # bulk: no way to tell which
        mark_changed(state.session)


def _before_commit(session: Session) -> None:
    if not session.info.get(_PENDING):
        session.flush()  # the commit's own flush comes after this hook: look at it now
    if session.info.pop(_PENDING, False):
        bump(session.connection())


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # a rolled-back savepoint leaves the outer changes pending
        session.info.pop(_PENDING, None)


def bump(connection: sa.Connection) -> None:
    """Raise the generation by one (creating the counter row if a database lacks it)."""
    table = FeedChanges.__table__
    raised = connection.execute(
        sa.update(table).where(table.c.id == 1).values(generation=table.c.generation + 1)
    )
    if raised.rowcount == 0:
        connection.execute(sa.insert(table).values(id=1, generation=1))


def current_generation():
    """A scalar subquery: the generation now (NULL if the counter row is missing)."""
    table = FeedChanges.__table__
    return sa.select(table.c.generation).where(table.c.id == 1).scalar_subquery()


_HOOKS = (
    ("before_flush", _before_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_transaction_end", _after_transaction_end),
)


def install() -> None:
    """Watch every Session (once per process; the tests build many apps)."""
    for name, hook in _HOOKS:
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)
