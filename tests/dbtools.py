"""Database helpers for tests: wipe a schema, create throw-away databases."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa


def drop_everything(engine: sa.Engine) -> None:
    """Drop every table (and alembic_version) so migrations start from empty."""
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
        else:
            metadata.drop_all(bind=connection)


@contextmanager
def scratch_database(database_url: str, directory: Path) -> Iterator[str]:
    """An empty database of the same kind as *database_url*, dropped on exit.

    SQLite gets a file in *directory*; PostgreSQL gets a new database on the same server.
    """
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{directory / 'scratch.db'}"
        return
    name = f"scratch_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(database_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def scratch_database_url(database_url, tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""
    with scratch_database(database_url, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def session_scratch_database_url(database_url, tmp_path_factory):
    """Like `scratch_database_url`, but kept for the whole session (e.g. a live server)."""
    with scratch_database(database_url, tmp_path_factory.mktemp("scratch")) as url:
        yield url
