"""Helpers for the invite tests: deliver over real SMTP, read each message back, change
meetings the way a request does (its own session, one commit)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.invites.outbox import deliver_due

SEPARATOR = "\n\n" + "—" * 12 + "\n\n"


@pytest.fixture
def smtp_app(app, smtp_server):
    """The app delivering to the test SMTP server."""
    settings = {"MAIL_TRANSPORT": "smtp", "SMTP_HOST": smtp_server.host,
                "SMTP_PORT": smtp_server.port, "SMTP_SECURITY": "none"}  # fmt: skip
    previous = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield app
    app.config.update(previous)


@dataclass
class ReceivedInvite:
    """One delivered message, parsed: envelope, headers, parts and the calendar."""

    to: str
    message: object
    raw: bytes
    ics: bytes
    calendar: Calendar

    @property
    def method(self) -> str:
        return str(self.calendar["METHOD"])

    @property
    def events(self) -> list:
        return self.calendar.walk("VEVENT")

    @property
    def event(self):
        [event] = self.events
        return event

    def part(self, content_type: str):
        return next(p for p in self.message.walk() if p.get_content_type() == content_type)

    def text(self, content_type: str = "text/plain") -> str:
        return self.part(content_type).get_content()


def deliver(app, server) -> list[ReceivedInvite]:
    """Deliver everything due to *server*; return what it received (and forget it)."""
    with app.app_context():
        deliver_due(now=datetime(2100, 1, 1, tzinfo=UTC))
    db.session.expire_all()
    result = []
    for item in server.messages:
        [to] = item.rcpt_tos
        ics = next(
            p for p in item.message.walk() if p.get_content_type() == "text/calendar"
        ).get_payload(decode=True)
        result.append(ReceivedInvite(to, item.message, item.raw, ics, Calendar.from_ical(ics)))
    server.clear()
    return result


@pytest.fixture
def mail(smtp_app, smtp_server):
    """`mail()` delivers the outbox and returns the invites received, by recipient."""

    def collect() -> dict[str, list[ReceivedInvite]]:
        by_address: dict[str, list[ReceivedInvite]] = {}
        for invite in deliver(smtp_app, smtp_server):
            by_address.setdefault(invite.to, []).append(invite)
        return by_address

    return collect


def change(app, model, object_id, call):
    """Run *call* on a fresh copy of the object inside an app context, then commit: what a
    request or a CLI command does."""
    with app.app_context():
        result = call(db.session.get(model, object_id))
        db.session.commit()
    db.session.expire_all()
    return result


def content_lines(ics: bytes) -> list[bytes]:
    """The content lines after checking: no BOM, CRLF only, ≤ 75 octets, UTF-8 each."""
    assert not ics.startswith(b"\xef\xbb\xbf")
    assert ics.endswith(b"\r\n")
    lines = ics[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")
    return lines
