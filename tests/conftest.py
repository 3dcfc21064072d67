"""Fixtures: app, db (rolled back per test), client, auth, factories, smtp_server, scratch DBs."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db as _db

pytest_plugins = [
    "tests.factories",
    "tests.dbtools",
    "tests.smtp",
    "tests.visits_support",
    "tests.invites_support",
    "tests.polls_support",
    "tests.personal_data_support",
    "tests.replies_support",
    "tests.imap",
    "tests.backup_support",
    "tests.outage_support",
    "tests.api_support",
    "tests.own_postgres",
]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh database for this test run: on TEST_DATABASE_URL's server (PostgreSQL in CI)
    a new database of its own, so parallel runs never share tables; else a SQLite file."""
    from tests.dbtools import scratch_database

    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with scratch_database(server_url, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One app for the session, its schema built by the migrations and partners seeded."""
    from tests.dbtools import drop_everything

    feed_cache = str(tmp_path_factory.mktemp("feed-cache"))
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "FEED_CACHE_FOLDER": feed_cache}
    application = create_app({**_config_dict(TestingConfig), **settings})
    with application.app_context():
        drop_everything(_db.engine)
        upgrade()
        from scheduler.partners.services import seed_partners

        seed_partners()
        _db.session.commit()
        _db.session.remove()
    yield application
    with application.app_context():
        _db.engine.dispose()


def _config_dict(cls) -> dict:
    return {k: getattr(cls, k) for k in dir(cls) if k.isupper()}


def _session_scope():
    """Each request (app context) gets its own session, as in production; test code shares one."""
    ctx = _cv_app.get(None)
    return id(ctx) if ctx is not None else "test-code"


class ExpiringClient(FlaskClient):
    """After each request, forget what test code had loaded, so it re-reads what changed."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def db(app):
    """The database inside one outer transaction, rolled back after the test.

    No app context stays pushed during the test: Flask would reuse it for every request
    and leak `g` (the signed-in user, the locale) from one request into the next.
    """
    with app.app_context():
        connection = _db.engine.connect()
    transaction = connection.begin()
    factory = sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    original = _db.session
    _db.session = sa.orm.scoped_session(factory, scopefunc=_session_scope)
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def client(app, db):
    app.test_client_class = ExpiringClient
    return app.test_client()


class Auth:
    """Sign in as a fresh user of a given role through the real login form."""

    def __init__(self, client, make_user):
        self.client = client
        self.make_user = make_user
        self.user = None

    def login(self, role="coordinator", password="correct horse battery", **fields):
        self.user = self.make_user(role=role, password=password, **fields)
        response = self.client.post("/login", data={"email": self.user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return self.user

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, make_user):
    return Auth(client, make_user)


@pytest.fixture
def csrf_app(app):
    """Turn CSRF protection on for one test."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def unique_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"


def count(model, *where):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def ical_js():
    """Run a tests/js script under Node.js with ical.js (skipped where it is missing)."""
    from tests.js import ical_js_runner

    return ical_js_runner()


# Most test data lies in 2030. Times are written without their year in the current year, so
# the suite pins that year: the same strings whether it runs in 2026 or in 2031.
FORMATTING_YEAR = 2030


@pytest.fixture(autouse=True)
def formatting_year(monkeypatch):
    """Dates in FORMATTING_YEAR read without their year; other years carry it."""
    monkeypatch.setattr("scheduler.timefmt.current_year", lambda zone=None: FORMATTING_YEAR)
    return FORMATTING_YEAR


@pytest.fixture(autouse=True)
def no_kept_pages():
    """Each test starts with no kept pages: a test's rolled-back transaction returns the page
    version to one a page was kept under, with other rows (production never undoes a commit)."""
    from scheduler.pagecache import forget_pages

    forget_pages()


@pytest.fixture
def rendered_pages(app, monkeypatch):
    """Every page rendered anew (no kept pages): for tests that count a rendering's SQL."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_ENTRIES", 0)
