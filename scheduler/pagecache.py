"""The busiest pages, kept per worker while nothing they could show has changed.

A page such as the dashboard reads a dozen tables and renders a few hundred template calls:
30 ms of CPU, while reading one number costs a fraction of a millisecond. So every
transaction that writes a table a page could show draws a new *page version* at its commit,
and a worker keeps the HTML it rendered under a key made of everything else the page
depends on:

- the version (any committed change anywhere: meetings, answers, mail status, audit, …);
- the address with its query, the signed-in user and the whole session (its CSRF token
  is in the page's forms; a second browser of the same user has its own);
- the reader's locale and clock;
- the current minute, so "today", "overdue" and the week's meetings move on with time
  (a page is at most a minute behind the clock, never behind the data).

Writes are seen below the ORM, on the engine: any INSERT, UPDATE, DELETE or TRUNCATE of a
table outside `UNSHOWN_TABLES` marks the connection, and the commit draws the new version in
the same transaction: a session's commit (also one that only releases a savepoint, as in the
tests), or a plain connection's (a random number, not a count: a restored backup or a
rolled-back test must never meet a version a worker remembers).

A page with a flash message is neither taken from nor kept in the memory: the message
belongs to one response only.
"""

import contextlib
import functools
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict

import sqlalchemy as sa
from flask import current_app, request, session
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, mapped_column

from scheduler.extensions import db
from scheduler.i18n import viewer_zone

# Tables no kept page shows, written while pages are only read (fetch counts, rate limits,
# a token's last use, the scheduler's heartbeat, webhook delivery rounds) or kept in step
# with the tables they summarize: writing them must not send every worker back to rendering.
UNSHOWN_TABLES = frozenset(
    {
        "page_versions",
        "limit_hits",
        "scheduler_heartbeats",
        "job_counts",
        "feeds",
        "feed_bodies",
        "feed_event_blocks",
        "feed_changes",
        "feed_change_log",
        "statistics_changes",
        "api_tokens",
        "api_idempotency_keys",
        "webhook_deliveries",
        "alembic_version",
    }
)
_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)', re.IGNORECASE
)
_CHANGED = "pages_changed"  # key in the DBAPI connection's info
_entries: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


class PageVersion(db.Model):
    """One row: drawn anew at the commit of every transaction that wrote a shown table."""

    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def _note_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    found = _WRITE.match(statement)
    if found and found.group(1).lower() not in UNSHOWN_TABLES:
        conn.info[_CHANGED] = True


def _draw_version(conn: sa.Connection) -> None:
    """At the commit of a transaction that wrote a shown table: a new version, written on
    the DBAPI connection itself (an engine-level commit is under way: nothing above it may
    run SQL). In a savepoint, so a database without the table yet (half-way through its
    migrations) commits all the same. A connection that has failed draws nothing: the commit
    that follows fails with the reason, through SQLAlchemy, as the outage handling expects."""
    if conn.closed or conn.invalidated or not conn.info.pop(_CHANGED, False):
        return
    try:
        cursor = conn.connection.dbapi_connection.cursor()
    except Exception:  # noqa: BLE001 - an invalidated connection: the commit will say why
        return
    try:
        cursor.execute("SAVEPOINT page_version")
        try:
            version = secrets.randbits(62)  # an int literal: nothing to quote
            cursor.execute(f"UPDATE page_versions SET version = {version} WHERE id = 1")  # noqa: S608
        except Exception:  # noqa: BLE001 - no table yet: nothing is kept before it exists
            cursor.execute("ROLLBACK TO SAVEPOINT page_version")
        else:
            cursor.execute("RELEASE SAVEPOINT page_version")
    except Exception:  # noqa: BLE001, S110 - the connection failed: the commit will say why
        pass
    finally:
        with contextlib.suppress(Exception):
            cursor.close()


def _forget_writes(conn) -> None:
    # A connection the database dropped (a restart) is rolled back invalidated: its notes went
    # with it, and reading them would raise instead of letting the rollback finish.
    if not conn.invalidated:
        conn.info.pop(_CHANGED, None)


def _before_session_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook: look at it now
    if session.in_transaction():
        _draw_version(session.connection())


def watch_writes(engine: sa.Engine) -> None:
    """Draw a new page version at the commit of every transaction on *engine* that wrote a
    shown table (once per engine and process)."""
    if not sa.event.contains(Session, "before_commit", _before_session_commit):
        sa.event.listen(Session, "before_commit", _before_session_commit)
    hooks = (
        ("after_cursor_execute", _note_write),
        ("commit", _draw_version),
        ("rollback", _forget_writes),
    )
    for name, hook in hooks:
        if not sa.event.contains(engine, name, hook):
            sa.event.listen(engine, name, hook)


def current_version() -> int | None:
    """The page version now (None where the row is missing)."""
    query = sa.select(PageVersion.version).where(PageVersion.id == 1)
    return db.session.scalar(query)


def _key(version: int) -> tuple:
    state = hashlib.blake2b(repr(sorted(session.items())).encode(), digest_size=16).digest()
    user = current_user.get_id() if current_user.is_authenticated else None
    return (request.full_path, user, state, str(get_locale()), viewer_zone(), version, _minute())


def _minute() -> int:
    return int(time.time() // 60)


def _usable() -> bool:
    return (
        current_app.config.get("PAGE_CACHE_ENTRIES", 0) > 0
        and request.method == "GET"
        and "_flashes" not in session
    )


def _keep(key: tuple, page: str) -> None:
    with _lock:
        _entries[key] = page
        _entries.move_to_end(key)
        while len(_entries) > current_app.config["PAGE_CACHE_ENTRIES"]:
            _entries.popitem(last=False)


def kept_page(view):
    """Decorate a GET view whose page depends only on the database, the reader and the
    time: its HTML is kept per worker while the page version stays the same."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _usable() or (version := current_version()) is None:
            return view(*args, **kwargs)
        key = _key(version)
        with _lock:
            page = _entries.get(key)
        if page is not None:
            return page
        page = view(*args, **kwargs)
        if isinstance(page, str) and not getattr(request_ctx, "flashes", None):
            _keep(key, page)
        return page

    return wrapper


def forget_pages() -> None:
    """Drop every kept page of this worker (the tests change settings between requests)."""
    with _lock:
        _entries.clear()
