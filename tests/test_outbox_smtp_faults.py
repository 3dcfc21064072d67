"""SMTP faults on a real server: 4xx retries, 5xx fails, a connection dropped in DATA retries
and the message arrives exactly once when the server is back."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import RETRY_DELAYS, deliver_due, enqueue
from scheduler.invites.outbox.models import OutboxMessage
from tests.smtp import HOST, RecordingHandler, _free_port


class FaultyHandler(RecordingHandler):
    """Answers DATA as told: ``accept``, ``451`` (try later), ``550`` (never) or ``drop``."""

    def __init__(self):
        super().__init__()
        self.mode = "accept"
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.mode == "451":
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == "550":
            return "550 5.1.1 No such mailbox"
        if self.mode == "drop":
            server.transport.close()  # hang up after the data, before any reply
            return "421 closing"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def faulty_server():
    handler = FaultyHandler()
    controller = Controller(handler, hostname=HOST, port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def faulty(app, faulty_server):
    controller, handler = faulty_server
    handler.mode, handler.attempts = "accept", 0
    handler.clear()
    settings = {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": controller.hostname,
        "SMTP_PORT": controller.port,
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT": 5,
    }
    previous = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield handler
    app.config.update(previous)


def _queue(db):
    message = EmailMessage()
    message["From"] = "office@example.cn"
    message["To"] = "kim@seoul.example.kr"
    message["Subject"] = "초대"
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content("본문")
    enqueue(message)
    db.session.commit()


def _deliver(app, now):
    with app.app_context():
        counts = deliver_due(now=now)
    db.session.expire_all()
    return counts


def _row():
    return db.session.scalar(sa.select(OutboxMessage))


def test_a_4xx_reply_is_retried_later(app, db, faulty):
    faulty.mode = "451"
    _queue(db)
    now = now_utc()
    assert _deliver(app, now) == {"sent": 0, "retry": 1, "failed": 0}
    row = _row()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, now + RETRY_DELAYS[0])
    assert row.last_error.startswith("451 ")
    faulty.mode = "accept"
    assert _deliver(app, now + RETRY_DELAYS[0]) == {"sent": 1, "retry": 0, "failed": 0}
    assert len(faulty.snapshot()) == 1


def test_a_5xx_reply_marks_the_message_failed(app, db, faulty):
    faulty.mode = "550"
    _queue(db)
    assert _deliver(app, now_utc()) == {"sent": 0, "retry": 0, "failed": 1}
    row = _row()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("550 ")
    assert faulty.snapshot() == []


def test_a_connection_dropped_during_data_is_retried_and_delivered_once(app, db, faulty):
    faulty.mode = "drop"
    _queue(db)
    now = now_utc()
    assert _deliver(app, now) == {"sent": 0, "retry": 1, "failed": 0}
    assert (_row().status, _row().attempts) == ("pending", 1)
    assert "connection" in _row().last_error.lower()
    faulty.mode = "accept"  # the server is back
    later = now + RETRY_DELAYS[0] + timedelta(seconds=1)
    assert _deliver(app, later) == {"sent": 1, "retry": 0, "failed": 0}
    assert _deliver(app, later + timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}
    [received] = faulty.snapshot()
    assert received.rcpt_tos == ("kim@seoul.example.kr",)
    assert (faulty.attempts, _row().status) == (2, "sent")
