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
Each raise is logged with the meetings it was about (`FeedChangeLog`): a worker holding a
feed's rows then re-reads only those. Anything else (partners, contacts, series, staff names,
bulk SQL, `mark_changed`) is logged as "anything", which sends every feed back to a full read.
"""

import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler.db import now_utc, watch_every_session
from scheduler.feeds.models import FeedChangeLog, FeedChanges

# Everything an event block, a feed's scope or its title is made of.
FEED_TABLES = frozenset(
    {
        "meetings",
        "meeting_partners",
        "participants",
        "meeting_series",
        "partners",
        "contacts",
        "rooms",  # a meeting without a typed place shows its room's name
    }
)
_PENDING = "feeds_changed"  # key in Session.info: {"anything": bool, "meetings": set}
# A transaction about more meetings than this is logged as "anything" (one row, not thousands).
MAX_LOGGED_MEETINGS = 200
# Log rows older than this many generations are pruned (every PRUNE_EVERY raises).
KEEP_GENERATIONS, PRUNE_EVERY = 1000, 100
# Staff users show in feeds only by e-mail and name (an event's organizer, a staff feed's
# title): a sign-in or a settings change must not send every feed to re-check.
USER_FIELDS_SHOWN = ("email", "name_zh", "name_ko")


def _table_name(thing) -> str:
    table = getattr(thing, "__table__", None)
    return table.name if table is not None else ""


def _pending(session: Session) -> dict:
    return session.info.setdefault(_PENDING, {"anything": False, "meetings": set()})


def mark_changed(session: Session) -> None:
    """Raise the feed generation when *session* commits (for changes made outside the ORM)."""
    _pending(session)["anything"] = True


def _before_flush(session: Session, _context, _instances) -> None:
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in dirty:
        _stamp_new_partners(obj)
        if _user_shown_changed(obj):
            mark_changed(session)


def _after_flush(session: Session, _context) -> None:
    """Note the meetings this flush touched (ids exist now, also for new rows)."""
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in [*session.new, *session.deleted, *dirty]:
        name = _table_name(obj)
        if name == "meetings":
            _pending(session)["meetings"].add(obj.id)
        elif name == "participants":
            history = sa.inspect(obj).attrs.meeting_id.history
            _pending(session)["meetings"].update(
                i for i in (obj.meeting_id, *history.deleted) if i is not None
            )
        elif name in FEED_TABLES:
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
    session.flush()  # the commit's own flush comes after this hook: look at it now
    pending = session.info.pop(_PENDING, None)
    if pending is not None and (pending["anything"] or pending["meetings"]):
        meetings = pending["meetings"]
        anything = pending["anything"] or len(meetings) > MAX_LOGGED_MEETINGS
        bump(session.connection(), None if anything else meetings)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # a rolled-back savepoint leaves the outer changes pending
        session.info.pop(_PENDING, None)


def bump(connection: sa.Connection, meeting_ids: set[int] | None = None) -> int:
    """Raise the generation by one and log what the raise is about (None: anything); creates
    the counter row if a database lacks it. Returns the new generation."""
    table, log = FeedChanges.__table__, FeedChangeLog.__table__
    raise_it = (
        sa.update(table)
        .where(table.c.id == 1)
        .values(generation=table.c.generation + 1)
        .returning(table.c.generation)
    )
    raised = connection.execute(raise_it).scalar()
    if raised is None:
        raised = 1
        connection.execute(sa.insert(table).values(id=1, generation=raised))
    about = sorted(meeting_ids) if meeting_ids else [None]
    connection.execute(sa.insert(log), [{"generation": raised, "meeting_id": i} for i in about])
    if raised % PRUNE_EVERY == 0:
        connection.execute(sa.delete(log).where(log.c.generation <= raised - KEEP_GENERATIONS))
    return raised


def restart_generation(connection: sa.Connection) -> int:
    """Raise the generation past every one a running worker can hold, after the rows under
    the workers were replaced (a restored backup); returns it. Every worker then reads each
    feed in full once (its remembered rows, blocks aside, are never used again).

    A worker may have read the database that was replaced at any generation, even one higher
    than the restored counter. Each raise is a committed transaction, so no generation ever
    exceeds the microseconds since the epoch at which it was written: set to the current
    time in microseconds, the counter is higher than any generation read before. Nothing is
    logged for the jump, so `changes_since` finds it missing and `_still_usable` (content.py)
    refuses rows read earlier either way.
    """
    table = FeedChanges.__table__
    current = connection.scalar(sa.select(table.c.generation).where(table.c.id == 1))
    generation = max((current or 0) + 1, time.time_ns() // 1000)
    if current is None:
        connection.execute(sa.insert(table).values(id=1, generation=generation))
    else:
        connection.execute(sa.update(table).where(table.c.id == 1).values(generation=generation))
    return generation


def changes_since(connection: sa.Connection, since: int, upto: int) -> set[int] | None:
    """The meetings changed after generation *since* (at least up to *upto*, and any logged
    later), or None when anything may have changed or the log lacks a raise in between
    (pruned: read everything again)."""
    log = FeedChangeLog.__table__
    query = sa.select(log.c.generation, log.c.meeting_id).where(log.c.generation > since)
    entries = connection.execute(query).all()
    if not set(range(since + 1, upto + 1)) <= {entry.generation for entry in entries}:
        return None
    meetings = {entry.meeting_id for entry in entries}
    return None if None in meetings else meetings


def current_generation():
    """A scalar subquery: the generation now (NULL if the counter row is missing)."""
    table = FeedChanges.__table__
    return sa.select(table.c.generation).where(table.c.id == 1).scalar_subquery()


_HOOKS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_transaction_end", _after_transaction_end),
)


def install() -> None:
    """Watch every Session (once per process; the tests build many apps)."""
    watch_every_session(_HOOKS)
