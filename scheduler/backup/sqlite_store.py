"""SQLite: a consistent copy of the live file by SQLite's online backup API.

The copy is made in one step, inside one read transaction: with the database in WAL mode the
app keeps writing meanwhile, and the copy is the database as of one commit (a plain file
copy under writes is not: pages of several commits end up mixed).
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from scheduler.backup.errors import BackupError
from scheduler.backup.manifest import database_state

KIND = "sqlite"
CHECKED = "opens, integrity ok"  # what `verify` prints when `check` passes
DUMP = "database.sqlite3"


def database_file(url: sa.URL) -> Path:
    """The file of a SQLite *url*; BackupError for an in-memory database."""
    name = url.database or ""
    if name in ("", ":memory:") or url.query.get("mode") == "memory":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _engine(path: Path) -> sa.Engine:
    return sa.create_engine("sqlite://", creator=lambda: _read_only(path), poolclass=sa.NullPool)


def state(path: Path) -> tuple[str | None, dict]:
    """(migration revision, row counts) of the database file at *path*."""
    engine = _engine(path)
    try:
        with engine.connect() as connection:
            return database_state(connection)
    finally:
        engine.dispose()


def snapshot(engine: sa.Engine, out: Path) -> tuple[str | None, dict]:
    """Copy the live database into *out*; its (revision, counts)."""
    source_path = database_file(engine.url)
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    target = out / DUMP
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # all pages in one step: one read transaction, one state
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    target.chmod(0o600)
    return state(target)


def check(dump: Path) -> str | None:
    """None when the file is a sound SQLite database, else what is wrong."""
    try:
        with closing(_read_only(dump)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as error:
        return f"cannot be opened: {error}"
    result = "; ".join(str(row[0]) for row in rows)
    return None if result == "ok" else f"integrity check failed: {result}"


def dump_counts(dump: Path, tables: list[str]) -> dict:
    """Row counts of *tables* in the backup's database file (others left out)."""
    counts = state(dump)[1]
    return {name: counts[name] for name in tables if name in counts}


def existing_tables(engine: sa.Engine) -> list[str]:
    """The tables the target database holds already (none: it may be restored into)."""
    path = database_file(engine.url)
    if not path.exists():
        return []
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    with closing(_read_only(path)) as connection:
        return sorted(row[0] for row in connection.execute(query))


def load(dump: Path, engine: sa.Engine) -> None:
    """Copy the backup's database into the (empty) target database file."""
    path = database_file(engine.url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(_read_only(dump)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
