"""SMTP faults on a real server: 4xx retries, 5xx fails, a connection dropped in DATA retries
and the message arrives exactly once when the server is back; a dropped connection is opened
again once, and a second drop stops the batch without charging the messages never tried."""

import email
import email.policy
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
    """Answers DATA as told: ``accept``, ``451`` (try later), ``550`` (never) or ``drop``;
    ``hangup`` accepts but has hung up by the next command (as after an idle timeout);
    RCPT TO is refused with 550 for the addresses in ``refused``."""

    def __init__(self):
        super().__init__()
        self.mode = "accept"
        self.attempts = 0
        self.connections = 0
        self.refused = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_NOOP(self, server, session, envelope, arg):
        if self.mode == "hangup":
            server.transport.close()
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.mode == "451":
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == "550":
            return "550 5.1.1 No such mailbox"
        if self.mode == "drop" or (self.mode == "drop-once" and self.attempts == 1):
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
    handler.mode, handler.attempts, handler.connections = "accept", 0, 0
    handler.refused.clear()
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


def _invite(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "office@example.cn"
    message["To"] = to
    message["Subject"] = "초대"
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content("본문")
    return message


def _queue(db, to="kim@seoul.example.kr"):
    enqueue(_invite(to))
    db.session.commit()


def _deliver(app, now):
    with app.app_context():
        counts = deliver_due(now=now)
    db.session.expire_all()
    return counts


def _row():
    return db.session.scalar(sa.select(OutboxMessage))


def _rows():
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


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
    assert (row.status, row.attempts, row.error_code) == ("failed", 1, "refused")
    assert row.last_error == "550 5.1.1 No such mailbox"
    assert faulty.snapshot() == []


def test_a_refused_recipient_is_recorded_as_the_servers_words(app, db, faulty):
    faulty.refused.add("gone@seoul.example.kr")
    _queue(db, to="gone@seoul.example.kr")
    assert _deliver(app, now_utc()) == {"sent": 0, "retry": 0, "failed": 1}
    row = _row()
    assert (row.status, row.error_code, row.last_error) == (
        "failed",
        "refused",
        "550 5.1.1 No such mailbox",
    )
    assert row.reason == "The mail server refused the message: 550 5.1.1 No such mailbox"


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


def test_a_hung_up_connection_is_opened_again_once_without_charging_anyone(app, db, faulty):
    faulty.mode = "hangup"  # every connection is gone by the time the next message is due
    for n in range(3):
        _queue(db, to=f"p{n}@seoul.example.kr")
    counts = _deliver(app, now_utc())
    assert counts == {"sent": 2, "retry": 0, "failed": 0}
    assert counts.stopped == "connection lost again"
    first, second, third = _rows()
    assert [(r.status, r.attempts) for r in (first, second)] == [("sent", 1), ("sent", 1)]
    # The one reconnection is spent: the third message waits, never tried nor charged.
    assert (third.status, third.attempts, third.claimed_by) == ("pending", 0, None)
    assert third.last_error == "not tried: connection lost again"
    assert (faulty.connections, len(faulty.snapshot())) == (2, 2)


def test_one_drop_reconnects_for_the_next_message(app, db, faulty):
    for n in range(3):
        _queue(db, to=f"p{n}@seoul.example.kr")
    faulty.mode = "drop-once"
    now = now_utc()
    counts = _deliver(app, now)
    first, second, third = _rows()
    assert counts == {"sent": 2, "retry": 1, "failed": 0} and counts.stopped == ""
    assert (first.status, first.attempts, first.error_code) == ("pending", 1, "dropped")
    assert [(r.status, r.attempts) for r in (second, third)] == [("sent", 1), ("sent", 1)]
    assert faulty.connections == 2


def test_a_second_drop_stops_the_batch_and_spares_the_untried(app, db, faulty):
    faulty.mode = "drop"
    for n in range(5):
        _queue(db, to=f"p{n}@seoul.example.kr")
    counts = _deliver(app, now_utc())
    assert counts == {"sent": 0, "retry": 2, "failed": 0}
    assert counts.stopped.startswith("connection lost: ")
    rows = _rows()
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1)] * 2 + [("pending", 0)] * 3
    assert {r.error_code for r in rows} == {"dropped"}
    assert all(r.last_error.startswith("not tried: connection lost") for r in rows[2:])
    assert (faulty.attempts, faulty.connections, faulty.snapshot()) == (2, 2, [])


def _body(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


def _notices():
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "delivery_failed")
    return list(db.session.scalars(query))


def test_a_permanent_failure_tells_the_organizer_in_their_language(
    app, db, faulty, make_user, make_meeting
):
    organizer = make_user(locale="ko", email="lee@office.example.cn")
    meeting = make_meeting(organizer=organizer)
    faulty.refused.add("gone@seoul.example.kr")
    row = enqueue(_invite("gone@seoul.example.kr"), kind="invite", meeting_id=meeting.id)
    db.session.commit()
    assert _deliver(app, now_utc()) == {"sent": 1, "retry": 0, "failed": 1}
    [received] = faulty.snapshot()
    assert received.rcpt_tos == ("lee@office.example.cn",)
    assert received.message["Subject"] == "전달되지 않은 메일: 초대"
    text = _body(received.raw)
    assert "사유: 메일 서버가 메일을 거부했습니다: 550 5.1.1 No such mailbox" in text
    assert "받는 사람: gone@seoul.example.kr" in text
    assert f"/meetings/{meeting.id}" in text and "/outbox/?status=failed" in text
    assert [(n.status, n.meeting_id) for n in _notices()] == [("sent", meeting.id)]
    assert row.status == "failed"


def test_a_notice_that_fails_itself_tells_nobody(app, db, faulty, make_user, make_meeting):
    organizer = make_user(locale="zh", email="wang@office.example.cn")
    meeting = make_meeting(organizer=organizer)
    faulty.refused.update({"gone@seoul.example.kr", "wang@office.example.cn"})
    enqueue(_invite("gone@seoul.example.kr"), kind="invite", meeting_id=meeting.id)
    db.session.commit()
    assert _deliver(app, now_utc()) == {"sent": 0, "retry": 0, "failed": 2}
    [notice] = _notices()  # one notice, failed, and no notice about it
    assert (notice.recipient, notice.status) == ("wang@office.example.cn", "failed")
    assert notice.subject == "邮件未能送达：초대"


def test_mail_a_staff_member_caused_tells_them(app, client, db, auth, faulty, make_contact):
    coordinator = auth.login("coordinator", locale="zh")
    contact = make_contact(email="park@seoul.example.kr")
    faulty.refused.add("park@seoul.example.kr")
    form = {"language": "ko", "send_to_contact": "y"}
    assert client.post(f"/feeds/contact/{contact.id}", data=form).status_code == 200
    assert _deliver(app, now_utc()) == {"sent": 1, "retry": 0, "failed": 1}
    [received] = faulty.snapshot()
    assert received.rcpt_tos == (coordinator.email,)
    assert "原因：邮件服务器拒收了这封邮件：550 5.1.1 No such mailbox" in _body(received.raw)

    page = client.get("/").get_data(as_text=True)  # the dashboard names it, with the reason
    [failed] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "failed"))
    assert f'id="failed-message-{failed.id}"' in page
    assert "邮件服务器拒收了这封邮件：550 5.1.1 No such mailbox" in page
    auth.logout()
    auth.login("viewer", locale="zh")
    assert 'id="failed-messages"' not in client.get("/").get_data(as_text=True)
