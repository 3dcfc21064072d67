"""Helpers for the invite, RSVP, reminder and outbox tests: deliver over real SMTP and read
each message back; change meetings the way a request or a command does (its own session, one
commit)."""

import base64
import quopri
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.header import decode_header

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.recurrence import Rule
from scheduler.partners.services import get_partner

SEPARATOR = "\n\n" + "—" * 12 + "\n\n"


@pytest.fixture
def smtp_app(app, smtp_server):
    """The app delivering to the test SMTP server."""
    settings = {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": smtp_server.port,
        "SMTP_SECURITY": "none",
    }
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


def in_request(app, meeting_id: int, change):
    """Run ``change(meeting)`` in a request context of its own and commit, as a view does."""
    with app.test_request_context():
        meeting = db.session.get(Meeting, meeting_id)
        result = change(meeting)
        value = result.id if isinstance(result, Participant) else None
        db.session.commit()
    db.session.expire_all()
    return value


def add_person(app, meeting_id: int, person) -> int:
    """Add a contact or user (by its class and id, re-read in the request) to the meeting."""
    model, person_id = type(person), person.id
    key = "user" if model.__tablename__ == "users" else "contact"

    def add(meeting):
        return services.add_participant(meeting, **{key: db.session.get(model, person_id)})

    return in_request(app, meeting_id, add)


def outbox_rows(kind: str):
    """Queued messages of one kind (invites from dispatch.py are left out)."""
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


@pytest.fixture
def invited(app, db, make_meeting, make_contact, make_user):
    """A confirmed video link: a Korean contact, a Chinese staff member, a contact without mail.

    The organizer reads Korean, so the organizer's mail is easy to tell from the page language.
    """
    organizer = make_user("coordinator", locale="ko", timezone="Asia/Shanghai", name_ko="왕팡")
    meeting = make_meeting(
        organizer=organizer,
        join_url="https://meet.example.cn/abc",
        platform="Zoom",
        passcode="8812",
    )
    kim = make_contact("seoul", language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", locale="zh")
    silent = make_contact("seoul", email=None)
    ids = {}
    for name, person in (("kim", kim), ("staff", staff), ("silent", silent)):
        ids[name] = add_person(app, meeting.id, person)
    in_request(app, meeting.id, services.confirm)
    emails = {"kim_email": kim.email, "staff_email": staff.email}
    return {"meeting": db.session.get(Meeting, meeting.id), "organizer": organizer, **ids, **emails}


_ENCODED_WORD = re.compile(r"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=")


def strict_decode(value: str) -> str:
    """A header value decoded the way RFC 2047 §6.2 says, and no more leniently: whitespace
    between two adjacent encoded words is dropped, every other character kept as it is.
    (Python's own address parser keeps that whitespace in display names; strict clients
    do not.) Folding (CRLF + WSP) is undone first."""
    text = re.sub(r"\r?\n(?=[ \t])", "", value)
    result, last_end, previous_was_word = [], 0, False
    for match in _ENCODED_WORD.finditer(text):
        between = text[last_end : match.start()]
        if not (previous_was_word and between.strip(" \t") == ""):
            result.append(between)
        charset, encoding, payload = match.groups()
        if encoding.lower() == "b":
            raw = base64.b64decode(payload, validate=True)
        else:
            raw = quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
        result.append(raw.decode(charset))
        last_end, previous_was_word = match.end(), True
    result.append(text[last_end:])
    return "".join(result)


def raw_header(raw: bytes, name: str) -> str:
    """The raw (still encoded, folded) value of header *name* in the message bytes *raw*."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    match = re.search(
        rf"^{name}: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.MULTILINE | re.IGNORECASE
    )
    return match.group(1) if match else ""


def decoded_header(raw: bytes, name: str) -> str:
    """Header *name* of *raw* through the strict decoder, checked against the standard
    library's email.header.decode_header: both must give the same text."""
    value = raw_header(raw, name)
    strict = strict_decode(value)
    parts = decode_header(re.sub(r"\r\n(?=[ \t])", "", value))
    library = "".join(p.decode(c or "ascii") if isinstance(p, bytes) else p for p, c in parts)
    assert library == strict, (library, strict)
    return strict


def confirm_for_two_readers(make_meeting, make_contact, make_user, db, client, **fields):
    """A confirmed meeting organized by 王芳: a Korean contact (Seoul) and a Chinese staff
    member (Changchun) take part. Returns (meeting, contact, staff)."""
    organizer = make_user("coordinator", name_zh="王芳", name_ko="왕팡")
    meeting = make_meeting(organizer=organizer, **fields)
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", name_zh="李明", locale="zh", timezone="Asia/Shanghai")
    services.add_participant(meeting, contact=contact)
    services.add_participant(meeting, "host", user=staff)
    db.session.commit()
    change(client.application, Meeting, meeting.id, services.confirm)
    return meeting, contact, staff


# A weekly series: Tuesdays 14:30 Changchun (15:30 Seoul), six meetings from 2030-12-03.
WEEKLY = Rule(freq="weekly", interval=1, start_date=date(2030, 12, 3), start_time=time(14, 30),
              duration_minutes=90, zone="Asia/Shanghai", weekdays=("TU",), count=6)  # fmt: skip


def weekly_series(app, organizer, people, data: dict) -> int:
    """A `WEEKLY` series with Seoul as partner made of *data*; every one of *people*
    (contacts and users) takes part in every meeting. Returns the series' id."""
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact

    with app.app_context():  # one request's worth of changes, committed once
        series = series_services.create_series(
            db.session.get(User, organizer.id), WEEKLY, data, [get_partner("seoul")]
        )
        for meeting in series.meetings:
            for person in people:
                kind = "contact" if isinstance(person, Contact) else "user"
                services.add_participant(meeting, **{kind: db.session.get(type(person), person.id)})
        db.session.commit()
        series_id = series.id
    db.session.expire_all()
    return series_id
