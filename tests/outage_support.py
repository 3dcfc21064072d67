"""An app of its own on a scratch database that the test can make unreachable for real.

`database_down(app)` sends every new connection to a place where no database answers (a
closed port for PostgreSQL, a file in a folder that does not exist for SQLite) and drops the
pooled ones, so the app meets the same errors as during an outage: nothing is mocked.
"""

import socket
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.auth.services import create_user
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.partners.services import seed_partners

PASSWORD = "correct horse battery"


def closed_port() -> int:
    """A local TCP port nobody listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_down(app, where):
    """Every connection the app opens inside the block fails as in an outage."""
    with app.app_context():
        engine = db.engine

    def unreachable(_dialect, _record, cargs, cparams):
        if engine.dialect.name == "postgresql":
            cparams.update(host="127.0.0.1", port=closed_port(), connect_timeout=2)
        else:
            cargs[0] = str(where / "gone" / "scheduler.db")

    sa.event.listen(engine, "do_connect", unreachable)
    engine.dispose()
    try:
        yield
    finally:
        sa.event.remove(engine, "do_connect", unreachable)
        engine.dispose()


def app_on(database_url: str, tmp_path):
    """An app on the empty database at *database_url*, migrated, with the partners and one
    Korean-speaking coordinator; errors reach the error handlers as in production (no
    propagation to the test)."""
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app(
        {
            **settings,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FEED_CACHE_FOLDER": str(tmp_path / "feed-cache"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    with app.app_context():
        upgrade()
        seed_partners()
        create_user("staff@example.org", PASSWORD, "coordinator", locale="ko")
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture
def outage_app(scratch_database_url, tmp_path):
    """`app_on` a scratch database."""
    app = app_on(scratch_database_url, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def queue_message(app, status: str = "pending", hours_ago: float = 0) -> None:
    """One outbox message in *status*, queued *hours_ago*, committed."""
    message = EmailMessage()
    message["From"], message["To"] = "office@example.cn", "kim@seoul.example.kr"
    message["Subject"], message["Message-ID"] = "회의", make_msgid(domain="example.cn")
    message.set_content("본문")
    with app.app_context():
        row = enqueue(message)
        row.status = status
        row.created_at = now_utc() - timedelta(hours=hours_ago)
        db.session.commit()


def outbox_rows(app) -> list[OutboxMessage]:
    """Every outbox message of *app*'s database, in the order queued, read afresh."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows
