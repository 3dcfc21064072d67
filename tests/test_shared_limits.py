"""The shared limit store (scheduler/limits), the purge job, and whose address is counted.

The Redis cases run when Redis answers at TEST_REDIS_URL (default: database 15 on
127.0.0.1:6379, as in CI) and are skipped otherwise.
"""

import inspect
import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.jobs import add_jobs, purge_limits_job
from scheduler.limits.models import LimitHit
from scheduler.limits.store import DatabaseStore, RedisStore, limit_key
from tests.conftest import _config_dict
from tests.feeds_support import _fresh_feed_state, new_feed  # noqa: F401
from tests.test_login_limits import fail, login

HOUR = timedelta(hours=1)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    return client


@pytest.fixture
def redis_store():
    """A Redis store under a prefix of its own, emptied afterwards."""
    client = _redis_client()
    prefix = f"test-limits-{uuid.uuid4().hex}:"
    yield RedisStore(client, prefix)
    for name in client.scan_iter(match=prefix + "*"):
        client.delete(name)
    client.close()


@pytest.fixture(params=["database", "redis"])
def store(request, app, db):
    if request.param == "redis":
        yield request.getfixturevalue("redis_store")
        return
    with app.app_context():
        yield DatabaseStore()


def test_a_store_counts_hits_per_key_within_the_window(store):
    key, other = limit_key("test", "a@example.org", "127.0.0.2"), limit_key("test", "b")
    assert store.count(key, HOUR) == 0
    for _ in range(3):
        store.hit(key, HOUR)
    store.hit(other, HOUR)
    assert (store.count(key, HOUR), store.count(other, HOUR)) == (3, 1)
    assert store.count(key, timedelta(0)) == 0  # every hit is older than an empty window
    store.clear(key)
    assert (store.count(key, HOUR), store.count(other, HOUR)) == (0, 1)


def test_keys_are_short_hashes_without_the_address_or_e_mail():
    key = limit_key("login-pair", "a" * 254 + "@example.org", "2001:db8::1")
    assert len(key) == len("login-pair:") + 40 and "example" not in key and "db8" not in key
    assert limit_key("x", "a", "b") != limit_key("x", "ab") != limit_key("x", "a\0b")


def test_redis_keys_expire_with_their_window(redis_store):
    redis_store.hit("k", timedelta(seconds=90))
    ttl = redis_store._client.ttl(redis_store._name("k"))
    assert 0 < ttl <= 91
    assert redis_store.purge() == 0


def test_the_periodic_purge_deletes_expired_counts(app, db):
    with app.app_context():
        store = DatabaseStore()
        store.hit("expired", timedelta(0))
        store.hit("current", HOUR)
        db.session.commit()
    assert purge_limits_job(app) == 1
    with app.app_context():
        assert list(db.session.scalars(sa.select(LimitHit.key))) == ["current"]


def test_the_purge_runs_hourly_with_the_other_jobs(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    job = scheduler.get_job("purge-limits")
    # Every job runs counted (scheduler.jobs.counted): the function inside is the purge.
    assert (inspect.unwrap(job.func), job.trigger.interval) == (purge_limits_job, HOUR)


def _app(database_url, **settings):
    base = {**_config_dict(TestingConfig), "SQLALCHEMY_DATABASE_URI": database_url}
    return create_app({**base, **settings})


@pytest.fixture
def redis_app(db, database_url, redis_store):
    """An app configured with REDIS_URL (and the store's prefix), sharing the test's session."""
    application = _app(database_url, REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_store._prefix)
    assert isinstance(application.extensions["limit_store"], RedisStore)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_login_limits_in_redis(redis_app, make_user):
    client, user = redis_app.test_client(), make_user("viewer")
    fail(client, user.email, 5, "127.0.0.2")
    assert login(client, user.email, address="127.0.0.2").status_code == 429
    assert login(client, user.email, address="127.0.0.3").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LimitHit)) == 0


def test_feed_misses_in_redis(app, redis_app, redis_store):
    good, client = new_feed(app, "--partner", "seoul"), redis_app.test_client()
    for number in range(20):
        assert client.get(f"/calendars/{number:043d}.ics").status_code == 404
    assert client.get(f"/calendars/{'9' * 43}.ics").status_code == 429
    assert client.get(good).status_code == 200
    assert redis_store.count(limit_key("feed-miss", "127.0.0.1"), HOUR) == 20


@pytest.fixture
def proxied_client(app, db, database_url):
    """A client of an app that trusts one proxy (TRUSTED_PROXY_COUNT=1)."""
    proxied = _app(database_url, TRUSTED_PROXY_COUNT=1)
    yield proxied.test_client()
    with proxied.app_context():
        db.engine.dispose()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, make_user):
    user = make_user("viewer")
    fail(client, user.email, 5, "127.0.0.2", **{"X-Forwarded-For": "203.0.113.1"})
    forged = {"X-Forwarded-For": "203.0.113.99"}
    assert login(client, user.email, address="127.0.0.2", **forged).status_code == 429


def test_with_one_trusted_proxy_the_client_address_comes_from_it(proxied_client, make_user):
    user = make_user("viewer")
    fail(proxied_client, user.email, 5, "127.0.0.2", **{"X-Forwarded-For": "203.0.113.1"})
    # Only the entry the proxy appended counts: a forged one before it changes nothing.
    forged = {"X-Forwarded-For": "198.51.100.7, 203.0.113.1"}
    assert login(proxied_client, user.email, address="127.0.0.2", **forged).status_code == 429
    # The proxy's own address is shared by everyone: another client behind it signs in.
    other = {"X-Forwarded-For": "203.0.113.99"}
    assert login(proxied_client, user.email, address="127.0.0.2", **other).status_code == 302


def test_a_negative_proxy_count_is_refused(database_url):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXY_COUNT"):
        _app(database_url, TRUSTED_PROXY_COUNT=-1)
