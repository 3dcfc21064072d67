"""PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot, ``pg_restore`` back.

The counts and the migration revision are read in the very transaction whose snapshot
pg_dump is handed (``pg_export_snapshot``), so the manifest describes exactly the dump while
the app keeps writing. The client tools must be of the server's major version or newer
(pg_dump refuses a newer server); that is checked first, with a message saying what to
install.
"""

import os
import re
import shutil
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with arguments we build
from pathlib import Path

import sqlalchemy as sa

from scheduler.backup.errors import BackupError
from scheduler.backup.manifest import database_state

KIND = "postgresql"
CHECKED = "pg_restore reads its contents"  # what `verify` prints when `check` passes
DUMP = "database.dump"
_COPY = re.compile(r'^COPY (?:[^ ]+\.)?"?([^" (]+)"? \(')


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the server's "
            "major version (Debian/Ubuntu: apt-get install postgresql-client) and try again."
        )
    return path


def _run(arguments: list[str], env: dict | None = None) -> str:
    done = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        name = Path(arguments[0]).name
        raise BackupError(f"{name} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _connection_arguments(url: sa.URL) -> tuple[str, dict]:
    """A libpq URI for --dbname, and the environment with the password (kept out of ps)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _check_versions(pg_dump: str, connection: sa.Connection) -> None:
    client = int(re.search(r"(\d+)", _run([pg_dump, "--version"])).group(1))
    server = int(connection.scalar(sa.text("SHOW server_version_num"))) // 10000
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot dump a PostgreSQL {server} server: install the client "
            f"tools of version {server} or newer (e.g. apt-get install postgresql-client-{server})"
            " and put that pg_dump first on PATH."
        )


def snapshot(engine: sa.Engine, out: Path) -> tuple[str | None, dict]:
    """Dump the live database into *out*; its (revision, counts) in the same snapshot."""
    pg_dump = _tool("pg_dump")
    dsn, env = _connection_arguments(engine.url)
    target = out / DUMP
    with engine.connect() as connection:
        _check_versions(pg_dump, connection)
    repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as connection, connection.begin():
        name = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
        revision, counts = database_state(connection)
        arguments = [pg_dump, "--format=custom", f"--snapshot={name}", f"--file={target}"]
        _run([*arguments, f"--dbname={dsn}"], env)
    target.chmod(0o600)
    return revision, counts


def check(dump: Path) -> str | None:
    """None when pg_restore can read the dump's table of contents, else what is wrong."""
    try:
        _run([_tool("pg_restore"), "--list", str(dump)])
    except BackupError as error:
        return f"cannot be opened: {error.message}"
    return None


def dump_counts(dump: Path, tables: list[str]) -> dict:
    """Row counts of *tables* in the dump: the lines of each table's COPY block, as
    ``pg_restore --data-only`` writes them (one line a row; newlines in values are escaped)."""
    arguments = [_tool("pg_restore"), "--data-only", "--file=-", str(dump)]
    counts, table = {}, None
    with subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        for line in process.stdout:
            if table is not None:
                if line.rstrip("\n") == "\\.":
                    table = None
                else:
                    counts[table] += 1
            elif match := _COPY.match(line):
                table = match.group(1)
                counts.setdefault(table, 0)
    if process.returncode != 0:
        raise BackupError(f"pg_restore cannot read {dump}.")
    return {name: counts.get(name, 0) for name in tables}


def existing_tables(engine: sa.Engine) -> list[str]:
    """The tables the target database holds already (none: it may be restored into)."""
    with engine.connect() as connection:
        return sorted(sa.inspect(connection).get_table_names())


def load(dump: Path, engine: sa.Engine) -> None:
    """Restore the dump into the (empty) target database, all or nothing."""
    dsn, env = _connection_arguments(engine.url)
    options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
    _run([_tool("pg_restore"), *options, f"--dbname={dsn}", str(dump)], env)
