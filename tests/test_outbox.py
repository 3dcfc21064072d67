"""The outbox: written in the caller's transaction, delivered once, retried with backoff."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import sqlalchemy as sa

from scheduler.db import now_utc
from scheduler.invites.outbox.delivery import RETRY_DELAYS, deliver_due, enqueue
from scheduler.invites.outbox.models import OutboxMessage


def _message(to="kim@seoul.example.kr", subject="화상회의 초대 / 视频连线邀请"):
    message = EmailMessage()
    message["From"] = "中韩交流 <office@example.cn>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content("본문 / 正文")
    return message


@pytest.fixture
def smtp_app(app, smtp_server):
    settings = {"MAIL_TRANSPORT": "smtp", "SMTP_HOST": smtp_server.host,
                "SMTP_PORT": smtp_server.port, "SMTP_SECURITY": "none"}  # fmt: skip
    previous = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield app
    app.config.update(previous)


def _deliver(app, now=None):
    from scheduler.extensions import db

    with app.app_context():
        counts = deliver_due(now=now)
    db.session.expire_all()  # the deliverer used a session of its own
    return counts


def test_enqueue_is_part_of_the_callers_transaction(app, db):
    with app.app_context():
        enqueue(_message())
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_delivers_once_over_smtp(smtp_app, db, smtp_server):
    enqueue(_message())
    db.session.commit()
    assert _deliver(smtp_app) == {"sent": 1, "retry": 0, "failed": 0}
    assert _deliver(smtp_app) == {"sent": 0, "retry": 0, "failed": 0}
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("kim@seoul.example.kr",)
    assert received.message["Subject"] == "화상회의 초대 / 视频连线邀请"
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.status, row.attempts) == ("sent", 1)


def test_server_down_retries_with_backoff_then_fails(app, db, smtp_server):
    app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=1, SMTP_TIMEOUT=2)
    try:
        enqueue(_message())
        db.session.commit()
        now = now_utc()
        for attempt, delay in enumerate(RETRY_DELAYS, start=1):
            assert _deliver(app, now) == {"sent": 0, "retry": 1, "failed": 0}
            row = db.session.scalar(sa.select(OutboxMessage))
            assert (row.status, row.attempts) == ("pending", attempt)
            assert row.next_attempt_at == now + delay
            assert _deliver(app, now + delay - timedelta(seconds=1))["retry"] == 0
            now += delay
        assert _deliver(app, now) == {"sent": 0, "retry": 0, "failed": 1}
        row = db.session.scalar(sa.select(OutboxMessage))
        assert row.status == "failed" and "cannot connect" in row.last_error
    finally:
        app.config.update(MAIL_TRANSPORT="file", SMTP_TIMEOUT=30)


def test_file_transport_writes_eml(app, db, tmp_path):
    app.config.update(MAIL_TRANSPORT="file", MAIL_FOLDER=str(tmp_path))
    message = _message()
    enqueue(message)
    db.session.commit()
    assert _deliver(app)["sent"] == 1
    [written] = list(tmp_path.glob("*.eml"))
    assert b"\r\n" in written.read_bytes()
    assert message["Message-ID"].strip("<>").split("@")[0] in written.name
