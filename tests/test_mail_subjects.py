"""Subjects survive every mail client (issue 11, item 7): each is written as RFC 2047 encoded
words that hold their own spaces, so a strict decoder (white space between encoded words
ignored) gives back exactly the text, for every kind of mail, in zh, ko and en, with
MAIL_SUBJECT_PREFIX_<LANG> in front."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.invites.failure_notices import on_message_failed
from scheduler.invites.mail import build_message
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.reminders.services import enqueue_due_reminders
from scheduler.invites.rsvp.services import rsvp_url
from scheduler.meetings import services
from scheduler.meetings.models import Participant
from tests.invites_support import add_person, decoded_header, in_request, raw_header

START = datetime(2030, 12, 3, 6, 30, tzinfo=UTC)
TITLES = {
    "title_zh": "中韩（周三）上午 会谈 🎉 【专题】 [MOU] 及 后续",
    "title_ko": "한중 (수) 오전 면담 및 협의 🎉 【특별】 [MOU] 및 후속",
    "title_en": "Talks (Wed) AM & MOU 🎉 [special] «follow-up»",
}
PREFIXES = {
    "zh": "【中韩（长春）示范区】",
    "ko": "[중한(창춘)국제협력시범구]",
    "en": "[CN-KR Zone]",
}
# The kinds of mail every language must cover, by outbox kind.
KINDS = {"invite_request", "invite_cancel", "reminder_before_start", "rsvp_answer",
         "feed_link", "delivery_failed"}  # fmt: skip
_WORD = re.compile(r"=\?utf-8\?b\?[A-Za-z0-9+/=]*\?=")


def _assert_well_formed(raw: bytes) -> None:
    """Every header line within 78 characters; the subject only encoded words ≤ 75."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in head.split(b"\r\n")) <= 78
    value = raw_header(raw, "Subject")
    if not value.isascii() or "=?" in value:
        words = value.split()
        assert all(_WORD.fullmatch(word) and len(word) <= 75 for word in words), value


@pytest.mark.parametrize(
    "subject",
    [
        "회의 초청: 한중 (수) 오전 면담 및 협의, 12월 8일 (화) 15:30~17:00",
        "会议邀请：中韩  视频连线（周二） 🎉 【专题】",
        "Invitation: Talks (Wed) AM & MOU 🎉 [special], Tue, Dec 8",
        "👨‍👩‍👧 가족 " * 12,
        " 앞뒤 공백과\t탭 ",
        "=?utf-8?b?notreally?= plain ascii",
        "Short ASCII",
        "x" * 120,
    ],
)
def test_any_subject_decodes_back_exactly(app, subject):
    with app.app_context():
        message = build_message(
            sender=("a@example.cn", "王芳"), to=("b@example.kr", ""), language="ko",
            subject=subject, text="t", html="<p>t</p>",
        )  # fmt: skip
    raw = message.as_bytes()
    _assert_well_formed(raw)
    assert decoded_header(raw, "Subject") == " ".join(subject.split())


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _mail_every_kind(app, client, auth, meeting, contact, other) -> None:
    """Invite, update, reminder, RSVP answer, postponement, feed link, removal, cancellation,
    and a failure notice, for *contact* (and *other*, who is removed)."""
    pid = add_person(app, meeting.id, contact)
    other_id = add_person(app, meeting.id, other)
    in_request(app, meeting.id, services.confirm)
    later = (START + timedelta(days=1), START + timedelta(days=1, hours=1))
    in_request(app, meeting.id, lambda m: services.reschedule(m, *later))
    with app.app_context():
        enqueue_due_reminders(later[0] - timedelta(hours=23))
        db.session.commit()
    with app.test_request_context():
        link = rsvp_url(db.session.get(Participant, pid), "accepted").split("?")[0]
    client.post(link.removeprefix(app.config["BASE_URL"]), data={"answer": "accepted"})
    in_request(app, meeting.id, lambda m: services.postpone(m, "🎉 (사정) 【调整】"))
    auth.login("coordinator")
    client.post(f"/feeds/contact/{contact.id}", data={"language": contact.language,
                                                      "send_to_contact": "y"})  # fmt: skip

    def remove(m):
        services.remove_participant(m, db.session.get(Participant, other_id))

    in_request(app, meeting.id, remove)
    in_request(app, meeting.id, lambda m: services.cancel(m, "부득이한 사정"))
    with app.app_context():
        row = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == contact.email)
        ).first()
        on_message_failed(row, START)
        db.session.commit()


@pytest.mark.parametrize("lang", ["zh", "ko", "en"])
def test_every_kind_of_subject_round_trips_with_the_prefix(
    lang, app, client, auth, monkeypatch, make_meeting, make_contact, make_user
):
    monkeypatch.setitem(app.config, f"MAIL_SUBJECT_PREFIX_{lang.upper()}", PREFIXES[lang])
    organizer = make_user("coordinator", locale=lang, name_zh="王芳", name_ko="왕팡")
    meeting = make_meeting(organizer=organizer, **TITLES)
    contact = make_contact(language=lang, family_name_ko="김", given_name_ko="민준🙂")
    other = make_contact(language=lang)
    _mail_every_kind(app, client, auth, meeting, contact, other)
    rows = _rows()
    assert {row.kind for row in rows} >= KINDS
    title = TITLES[f"title_{lang}"]
    for row in rows:
        _assert_well_formed(row.raw)
        subject = decoded_header(row.raw, "Subject")
        assert subject == row.subject  # what the standard library read at enqueue
        if row.recipient.lower() in (contact.email, other.email, organizer.email):
            assert subject.startswith(PREFIXES[lang]), (row.kind, subject)
        if row.kind != "feed_link":
            assert title in subject, (row.kind, subject)
    postponed = {"zh": f"{PREFIXES['zh']}会议推迟通知：{title}",
                 "ko": f"{PREFIXES['ko']} 회의 연기 안내: {title}",
                 "en": f"{PREFIXES['en']} Postponed: {title}"}[lang]  # fmt: skip
    assert postponed in [row.subject for row in rows]
