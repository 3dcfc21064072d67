"""Fixtures for the API tests: a token of a user of a given role, and its headers; an app
on a database of its own and threads sending requests together, for the races."""

import email
import threading
from email import policy

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db as _db


@pytest.fixture
def api_token(app, db, make_user):
    """``api_token(role, scope)`` → (user, headers with a fresh bearer token)."""
    from scheduler.api.tokens.services import create_token
    from scheduler.auth.models import User

    def make(role="coordinator", scope="read", lang=None, user=None, **kwargs):
        user = user or make_user(role)
        with app.app_context():  # the token key is derived from the app's SECRET_KEY
            own = db.session.get(User, user.id)  # this context's session holds its own copy
            _token, secret = create_token(own, "tests", scope, **kwargs)
            db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
        if lang:
            headers["Accept-Language"] = lang
        return user, headers

    return make


@pytest.fixture
def race_app(scratch_database_url):
    """An app on a database of its own: the racing requests commit for real."""
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        from scheduler.partners.services import seed_partners

        seed_partners()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def write_token(app) -> dict:
    """Headers with a write token of a new coordinator of *app* (committed)."""
    from scheduler.api.tokens.services import create_token
    from scheduler.auth.services import create_user

    with app.app_context():
        user = create_user("racer@example.org", "correct horse battery", "coordinator")
        _token, secret = create_token(user, "race", "write")
        _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def run_together(app, calls) -> list:
    """Run each ``call(client)`` in a thread of its own, all released at once; the answers."""
    barrier = threading.Barrier(len(calls))
    answers = []

    def send(call):
        client = app.test_client()
        barrier.wait(timeout=10)
        answers.append(call(client))

    threads = [threading.Thread(target=send, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def mail_to(address: str) -> list:
    """The outbox's messages to *address*, oldest first, parsed."""
    from scheduler.invites.outbox.models import OutboxMessage

    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
    rows = list(_db.session.scalars(query.order_by(OutboxMessage.id)))
    return [email.message_from_bytes(row.raw, policy=policy.default) for row in rows]
