"""Database building blocks: naming convention, the one UTC column type, now_utc()."""

import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    """The current instant as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database.

    Naive datetimes are refused: they hide which clock they were read on.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class TimestampMixin:
    """created_at / updated_at, both UTC, set by Python so every database agrees."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


def fix_sqlite_transactions(engine: sa.Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN so SAVEPOINTs and rollbacks behave.

    pysqlite starts transactions lazily and breaks nested transactions; see the
    SQLAlchemy docs "Serializable isolation / Savepoints / Transactional DDL".
    BEGIN IMMEDIATE takes the write lock up front: two writers then queue (busy timeout)
    instead of one failing with "database is locked" when it upgrades a read lock.
    A file database runs in WAL mode: readers (a backup, a feed request) never block the
    writer nor wait for it, and a crash mid-write leaves the database as last committed.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        use_wal(cursor)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # execution_options(sqlite_autocommit=True): each statement runs on its own, like
        # PostgreSQL's AUTOCOMMIT (one statement reads one consistent state by itself). No
        # lock taken, none to release: for a single read such as a feed request's.
        if not connection.get_execution_options().get(SQLITE_AUTOCOMMIT):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def use_wal(cursor) -> None:
    """Put the file database of *cursor* in WAL mode (kept in the file; an in-memory database
    answers "memory" and stays as it is)."""
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode=WAL")


# The execution option that skips BEGIN on a SQLite connection (see `fix_sqlite_transactions`).
SQLITE_AUTOCOMMIT = "sqlite_autocommit"


def autocommit_options(dialect_name: str) -> dict:
    """Execution options under which each statement runs on its own: PostgreSQL's
    AUTOCOMMIT; on SQLite no BEGIN, so a reader on a connection of its own never waits for
    (nor holds) the write lock a request's session may hold."""
    options = {"postgresql": {"isolation_level": "AUTOCOMMIT"}, "sqlite": {SQLITE_AUTOCOMMIT: True}}
    return options.get(dialect_name, {})


def upsert(
    session: Session, table: sa.Table, rows: list[dict], keys: list[str], add: tuple = ()
) -> None:
    """Insert *rows*, updating the other columns of rows whose *keys* exist already: one
    statement (PostgreSQL and SQLite both have INSERT … ON CONFLICT DO UPDATE). Columns
    named in *add* are added to the stored value instead of replacing it (counters)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    updated = {
        name: table.c[name] + statement.excluded[name] if name in add else statement.excluded[name]
        for name in rows[0]
        if name not in keys
    }
    statement = statement.on_conflict_do_update(index_elements=keys, set_=updated)
    session.connection().execute(statement, rows)


def ping_idle_connections(engine: sa.Engine, idle_seconds: float) -> None:
    """Test a pooled connection with a round trip only when it has sat idle a while.

    ``pool_pre_ping`` pings at every checkout: a round trip that costs a feed revalidation
    as much as its own query. A connection returned moments ago is alive; one idle for longer
    than *idle_seconds* (long enough for a database restart to have gone unnoticed) is
    pinged, and a dead one replaced before use (a DisconnectionError raised at checkout
    makes the pool retry with a fresh connection).
    """

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        if dbapi_connection is not None:  # None: invalidated on the way back
            record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")  # None: connected just now
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa.exc.DisconnectionError(str(error)) from error


class SearchableMixin:
    """Keeps a lower-cased ``search_text`` of every name, so one LIKE finds any script."""

    def search_terms(self) -> list[str]:
        raise NotImplementedError


def _refresh_search_text(_mapper, _connection, target) -> None:
    terms = [t.strip() for t in target.search_terms() if t and t.strip()]
    target.search_text = "\n".join(terms).lower()


sa.event.listen(SearchableMixin, "before_insert", _refresh_search_text, propagate=True)
sa.event.listen(SearchableMixin, "before_update", _refresh_search_text, propagate=True)


def one_of(column: str, values) -> str:
    """SQL for a CHECK constraint: *column* holds one of *values* (a fixed, known list)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def partner_link_table(name: str, owner_table: str, metadata: sa.MetaData) -> sa.Table:
    """A many-to-many table from *owner_table* rows to partners (meetings, visits, …)."""
    owner_key = f"{owner_table.removesuffix('s')}_id"
    return sa.Table(
        name,
        metadata,
        sa.Column(
            owner_key, sa.ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True, index=True),
    )


def watch_every_session(hooks) -> None:
    """Listen to every Session with *hooks*, (event name, function) pairs; once per process
    whatever the number of calls (the tests build many apps)."""
    for name, hook in hooks:
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)
