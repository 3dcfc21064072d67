"""Pooled connections: one idle past the limit is tested and replaced when dead; one in
steady use is trusted (a database restart then costs one failed request, not a round trip
on every request)."""

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from scheduler.db import ping_idle_connections


@pytest.fixture
def server_engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a database server whose connections can be ended from outside")
    engine = sa.create_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def _end_backend(database_url: str, pid: int) -> None:
    """What a database restart does to a pooled connection."""
    killer = sa.create_engine(database_url, poolclass=NullPool)
    with killer.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_a_dead_idle_connection_is_replaced_before_use(server_engine, database_url):
    ping_idle_connections(server_engine, idle_seconds=0)
    first = _backend_pid(server_engine)
    _end_backend(database_url, first)

    assert _backend_pid(server_engine) != first  # no error reached the caller


def test_a_connection_in_steady_use_is_not_pinged(server_engine, database_url):
    ping_idle_connections(server_engine, idle_seconds=3600)
    first = _backend_pid(server_engine)
    _end_backend(database_url, first)

    with pytest.raises(sa.exc.OperationalError) as error:
        _backend_pid(server_engine)
    assert error.value.connection_invalidated
    assert _backend_pid(server_engine) != first  # the pool recovered by itself
