"""Where a benchmark runs: a SQLite file in its temporary folder, or, when BENCH_DATABASE_URL
names a PostgreSQL server, a database of its own on that server, dropped afterwards (the
benchmarks fill tables with tens of thousands of rows; they never touch a real database).
A benchmark that needs PostgreSQL asks for it and gets the local server when the variable is
unset."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def bench_database(folder: Path, postgres: bool = False) -> Iterator[str]:
    """The URL of an empty database for one benchmark run (see the module's docstring)."""
    server = os.environ.get("BENCH_DATABASE_URL") or (LOCAL_SERVER if postgres else "")
    if not server:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"bench_{secrets.token_hex(6)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
