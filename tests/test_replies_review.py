"""Refused replies wait on the review page and change nothing; staff apply or dismiss them.
Proposed new times (COUNTER) are accepted or declined (DECLINECOUNTER); REFRESH resends."""

from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.invites.ical import event_uid, series_uid
from scheduler.invites.replies.models import InboundReply
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import Rule
from scheduler.partners.services import get_partner
from tests.conftest import count
from tests.invites_support import outbox_rows
from tests.replies_support import calendar, mail

MOVED_START = datetime(2030, 12, 4, 1, 0, tzinfo=UTC)  # 09:00 Changchun, 10:00 Seoul
MOVED_END = MOVED_START + timedelta(minutes=90)


def _uid(invited) -> str:
    return event_uid(db.session.get(Meeting, invited["meeting"].id))


def _answers(invited) -> list[tuple]:
    db.session.expire_all()
    ids = (invited["kim"], invited["staff"])
    return [(db.session.get(Participant, i).rsvp_status) for i in ids]


def _row() -> InboundReply:
    db.session.expire_all()
    return db.session.scalars(sa.select(InboundReply).order_by(InboundReply.id.desc())).first()


def _refused(invited):
    """Each refused case: (the message, the reason, the reason as the Korean page says it)."""
    uid, kim = _uid(invited), invited["kim_email"]
    reply = calendar("REPLY", uid, kim, "DECLINED", sequence=1)
    return {
        "sender": mail("gmail", "intruder@elsewhere.example", reply),
        "unknown_meeting": mail("outlook", kim, reply.replace(uid, "nope@cnkr-exchange-scheduler")),
        "unknown_attendee": mail("apple", "lee@partner.example",
                                 calendar("REPLY", uid, "lee@partner.example", sequence=1)),
        "malformed": mail("thunderbird", kim, "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT"),
        "method": mail("naver", kim, calendar("PUBLISH", uid, kim, sequence=1), method="PUBLISH"),
        "answer": mail("outlook", kim, calendar("REPLY", uid, kim, "DELEGATED", sequence=1)),
    }  # fmt: skip


REASONS_KO = {
    "sender": "보낸 사람이 회신한 참석자가 아닙니다.",
    "unknown_meeting": "이 캘린더 UID를 가진 회의나 정기 회의가 없습니다.",
    "unknown_attendee": "이 참석자는 이 회의에 참여하지 않습니다.",
    "malformed": "이 메시지의 캘린더를 읽을 수 없습니다.",
    "method": "처리하지 않는 종류의 캘린더 메시지입니다.",
    "answer": "회신이 참석, 미정, 불참 중 하나가 아닙니다.",
}


@pytest.mark.parametrize("reason", list(REASONS_KO))
def test_refused_replies_change_nothing_and_wait_for_review(
    app, client, auth, invited, ingest, reason
):
    assert ingest(_refused(invited)[reason]) == [f"review ({reason})"]
    assert _answers(invited) == ["needs_action", "needs_action"]
    assert count(AuditEntry, AuditEntry.action == "rsvp") == 0
    assert outbox_rows("rsvp_answer") == []
    auth.login("coordinator", locale="ko")
    page = client.get("/replies/").get_data(as_text=True)
    row = _row()
    assert f'<tr id="reply-{row.id}" data-status="review" data-reason="{reason}">' in page
    assert f'<td class="reply-reason">{REASONS_KO[reason]}</td>' in page


def test_viewers_cannot_see_or_decide(app, client, auth, invited, ingest):
    ingest(_refused(invited)["sender"])
    auth.login("viewer")
    assert client.get("/replies/").status_code == 403
    assert client.post(f"/replies/{_row().id}/dismiss").status_code == 403
    assert _row().status == "review"


def test_staff_apply_a_refused_answer_by_hand_once(app, client, auth, invited, ingest):
    ingest(_refused(invited)["sender"])
    row_id = _row().id
    user = auth.login("coordinator", locale="ko")
    response = client.post(f"/replies/{row_id}/apply", data={"participant": invited["kim"]})
    assert (response.status_code, response.headers["Location"]) == (302, "/replies/")
    assert _answers(invited) == ["declined", "needs_action"]
    row = _row()
    assert (row.status, row.handled_by_id, row.participant_id) == (
        "applied_by_hand", user.id, invited["kim"],
    )  # fmt: skip
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rsvp"))
    assert entry.user_id == user.id
    again = client.post(f"/replies/{row_id}/apply", data={"participant": invited["staff"]})
    assert again.status_code == 409
    assert "이 회신은 이미 처리되었습니다." in again.get_data(as_text=True)
    assert _answers(invited) == ["declined", "needs_action"]


def test_an_unknown_uid_is_applied_after_looking_the_meeting_up(app, client, auth, invited, ingest):
    ingest(_refused(invited)["unknown_meeting"])
    row_id = _row().id
    auth.login("coordinator", locale="ko")
    page = client.get("/replies/").get_data(as_text=True)
    assert 'class="mb-1 lookup-form"' in page and "apply-form" not in page
    query = f"/replies/?reply={row_id}&meeting={invited['meeting'].id}"
    page = client.get(query).get_data(as_text=True)
    assert f'<option value="{invited["kim"]}">김민수</option>' in page
    bad = client.post(f"/replies/{row_id}/apply", data={"participant": "999999"})
    assert bad.status_code == 400
    assert "참석자를 선택해 주십시오." in bad.get_data(as_text=True)
    assert (
        client.post(f"/replies/{row_id}/apply", data={"participant": invited["kim"]}).status_code
        == 302
    )
    assert _answers(invited) == ["declined", "needs_action"]


def test_dismiss_changes_nothing_else(app, client, auth, invited, ingest):
    ingest(_refused(invited)["unknown_attendee"])
    auth.login("coordinator", locale="zh")
    assert client.post(f"/replies/{_row().id}/dismiss").status_code == 302
    assert _row().status == "dismissed"
    assert _answers(invited) == ["needs_action", "needs_action"]
    page = client.get("/replies/").get_data(as_text=True)
    assert '<p class="text-muted" id="no-replies">没有待处理的回复。</p>' in page


def _counter(invited, ingest, shape="outlook"):
    ics = calendar(
        "COUNTER", _uid(invited), invited["kim_email"], "TENTATIVE", sequence=1, shape=shape,
        start=MOVED_START, end=MOVED_END, comment="오전 시간이 더 좋습니다.",
    )  # fmt: skip
    assert ingest(mail(shape, invited["kim_email"], ics, method="COUNTER")) == ["proposed"]
    return _row()


def test_a_proposed_time_is_shown_and_accepted(app, client, auth, invited, ingest):
    row = _counter(invited, ingest)
    assert (row.proposed_start, row.proposed_end) == (MOVED_START, MOVED_END)
    auth.login("coordinator", locale="ko", timezone="Asia/Seoul")
    page = client.get(f"/meetings/{invited['meeting'].id}").get_data(as_text=True)
    assert (
        "김민수 님이 제안한 시간: 12월 4일(수) 10:00~11:30(한국 시간) / 09:00~10:30(중국 시간)"
        in page
    )
    assert '<p class="mb-1 text-pre proposal-comment">오전 시간이 더 좋습니다.</p>' in page
    before = len(outbox_rows("invite_request"))
    response = client.post(f"/replies/{row.id}/accept", data={"back": "meeting"})
    assert response.headers["Location"] == f"/meetings/{invited['meeting'].id}#proposals"
    meeting = db.session.get(Meeting, invited["meeting"].id)
    assert (meeting.start_dt, meeting.end_dt, meeting.sequence) == (MOVED_START, MOVED_END, 2)
    assert _row().status == "counter_accepted"
    updates = [r.recipient for r in outbox_rows("invite_request")[before:]]
    assert sorted(updates) == sorted([invited["kim_email"], invited["staff_email"]])


def test_a_proposed_time_is_declined_with_a_declinecounter(app, client, auth, invited, ingest):
    row = _counter(invited, ingest, shape="naver")
    auth.login("coordinator", locale="zh")
    assert client.post(f"/replies/{row.id}/decline").status_code == 302
    meeting = db.session.get(Meeting, invited["meeting"].id)
    assert (meeting.start_dt, meeting.sequence) == (datetime(2030, 12, 3, 6, 30, tzinfo=UTC), 1)
    [sent] = outbox_rows("counter_declined")
    assert sent.recipient == invited["kim_email"]
    assert sent.subject == "새 시간 제안을 받아들일 수 없습니다: 한중 화상회의"
    text = message_from_bytes(sent.raw, policy=policy.SMTP).get_body(("plain",)).get_content()
    assert text.startswith(
        "김민수 님께\r\n\r\n안녕하십니까. 중한(창춘)국제협력시범구 외사판공실입니다."
    )
    assert text.endswith("감사합니다.\r\n중한(창춘)국제협력시범구 외사판공실 드림\r\n")
    message = message_from_bytes(sent.raw, policy=policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "DECLINECOUNTER"
    ics = part.get_payload(decode=True)
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(Calendar.from_ical(ics)["METHOD"]) == "DECLINECOUNTER"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (_uid(invited), 1)
    assert str(event["ATTENDEE"]) == f"mailto:{invited['kim_email']}"
    assert b"COMMENT;LANGUAGE=ko:" in ics and "DTSTART" not in event
    assert _row().status == "counter_declined"
    assert client.post(f"/replies/{row.id}/decline").status_code == 409


def test_refresh_sends_the_latest_request_again(app, invited, ingest):
    ics = calendar("REFRESH", _uid(invited), invited["kim_email"], "NEEDS-ACTION", sequence=1)
    assert ingest(mail("thunderbird", invited["kim_email"], ics, method="REFRESH")) == ["refreshed"]
    latest = outbox_rows("invite_request")[-1]
    assert latest.recipient == invited["kim_email"]
    calendar_part = Calendar.from_ical(
        next(
            p for p in __import__("email").message_from_bytes(latest.raw).walk()
            if p.get_content_type() == "text/calendar"
        ).get_payload(decode=True)
    )  # fmt: skip
    [event] = calendar_part.walk("VEVENT")
    assert (str(calendar_part["METHOD"]), int(event["SEQUENCE"])) == ("REQUEST", 1)


RULE = Rule(freq="weekly", interval=1, start_date=date(2030, 12, 3), start_time=time(14, 30),
            duration_minutes=90, zone="Asia/Shanghai", weekdays=("TU",), count=4)  # fmt: skip


@pytest.fixture
def series_for_kim(app, db, make_user, make_contact):
    organizer, kim = make_user("coordinator"), make_contact(language="ko")
    data = {"kind": "video_link", "title_zh": "周会", "title_ko": "주간회의", "status": "confirmed"}
    with app.app_context():
        series = series_services.create_series(
            db.session.get(type(organizer), organizer.id), RULE, data, [get_partner("seoul")]
        )
        for meeting in series.meetings:
            services.add_participant(meeting, contact=db.session.get(Contact, kim.id))
        db.session.commit()
        series_id = series.id
    db.session.expire_all()
    return db.session.get(MeetingSeries, series_id), kim


def _series_answers(series) -> list[str]:
    db.session.expire_all()
    rows = sorted(
        db.session.get(MeetingSeries, series.id).meetings, key=lambda m: m.recurrence_start
    )
    return [m.participants[0].rsvp_status for m in rows]


def test_a_reply_for_one_occurrence_and_for_the_whole_series(app, series_for_kim, ingest):
    series, kim = series_for_kim
    second = datetime(2030, 12, 10, 6, 30, tzinfo=UTC)
    one = calendar("REPLY", series_uid(series), kim.email, "DECLINED", recurrence_id=second)
    assert ingest(mail("gmail", kim.email, one)) == ["applied"]
    assert _series_answers(series) == ["needs_action", "declined", "needs_action", "needs_action"]
    everything = calendar("REPLY", series_uid(series), kim.email, "ACCEPTED")
    assert ingest(mail("outlook", kim.email, everything)) == ["applied"]
    assert _series_answers(series) == ["accepted"] * 4
    assert len(outbox_rows("rsvp_answer")) == 2  # one notice per reply, not per date
    unknown_date = one.replace("20301210T063000Z", "20301211T063000Z")
    assert ingest(mail("apple", kim.email, unknown_date)) == ["review (unknown_meeting)"]


def test_erasing_a_contact_scrubs_the_answers_they_mailed(app, invited, ingest):
    from scheduler.privacy.erasure import erase_contact

    ics = calendar("REPLY", _uid(invited), invited["kim_email"], "ACCEPTED", sequence=1,
                   comment="김민수 드림")  # fmt: skip
    ingest(mail("outlook", invited["kim_email"], ics, subject="Accepted: 김민수"))
    participant = db.session.get(Participant, invited["kim"])
    with app.test_request_context():
        erase_contact(db.session.get(Contact, participant.contact_id), "요청")
        db.session.commit()
    row = _row()
    stand_in = f"contact-{participant.contact_id}@erased.invalid"
    assert (row.sender, row.attendee, row.comment) == (stand_in, stand_in, "")
    assert "김민수" not in row.subject
