"""Calendar answers through `flask replies ingest`: every client shape changes the answer on the
meeting page exactly as an answer link does; stale and duplicate messages change nothing new."""

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.invites.ical import event_uid
from scheduler.invites.replies.models import InboundReply
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from tests.conftest import count
from tests.invites_support import in_request, outbox_rows
from tests.replies_support import SHAPES, calendar, mail, plain_mail

ANSWERS = {"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined"}
BADGES = {"accepted": "참석", "tentative": "미정", "declined": "불참"}


def _uid(invited) -> str:
    return event_uid(db.session.get(Meeting, invited["meeting"].id))


def _participant(participant_id: int) -> Participant:
    db.session.expire_all()
    return db.session.get(Participant, participant_id)


def _badge(client, invited, participant_id: int) -> str:
    page = client.get(f"/meetings/{invited['meeting'].id}").get_data(as_text=True)
    start = page.index(f'id="rsvp-{participant_id}"')
    return page[page.index(">", start) + 1 : page.index("</span>", start)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("partstat", list(ANSWERS))
def test_each_client_shape_answers_for_the_korean_contact(
    app, client, auth, invited, ingest, shape, partstat
):
    auth.login("viewer", locale="ko")
    comment = "시간 맞춰 참석하겠습니다." if shape in ("gmail", "naver") else ""
    ics = calendar(
        "REPLY", _uid(invited), invited["kim_email"], partstat,
        sequence=1, shape=shape, comment=comment,
    )  # fmt: skip
    assert ingest(mail(shape, invited["kim_email"], ics)) == ["applied"]
    answer = ANSWERS[partstat]
    participant = _participant(invited["kim"])
    assert (participant.rsvp_status, participant.rsvp_sequence) == (answer, 1)
    assert _badge(client, invited, invited["kim"]) == BADGES[answer]
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rsvp"))
    assert entry.changes["rsvp_status"] == ["needs_action", answer]
    [notice] = outbox_rows("rsvp_answer")
    assert notice.recipient == invited["organizer"].email
    [row] = db.session.scalars(sa.select(InboundReply))
    assert (row.method, row.status, row.comment) == ("REPLY", "applied", comment)


def test_a_chinese_staff_member_answers_from_outlook_with_a_comment(app, invited, ingest):
    ics = calendar(
        "REPLY", _uid(invited), invited["staff_email"], "DECLINED",
        sequence=1, shape="outlook", comment="抱歉，当天另有公务，无法参加。",
    )  # fmt: skip
    raw = mail("outlook", invited["staff_email"].upper(), ics, subject="拒绝: 中韩视频连线")
    assert ingest(raw) == ["applied"]
    assert _participant(invited["staff"]).rsvp_status == "declined"
    [row] = db.session.scalars(sa.select(InboundReply))
    assert (row.subject, row.comment) == ("拒绝: 中韩视频连线", "抱歉，当天另有公务，无法参加。")


def test_a_reply_to_an_older_sequence_is_kept_for_the_old_time(app, client, auth, invited, ingest):
    auth.login("viewer", locale="ko")
    meeting_id = invited["meeting"].id
    in_request(app, meeting_id, lambda m: services.update_meeting(m, {"location_ko": "서울시청"}))
    ics = calendar("REPLY", _uid(invited), invited["kim_email"], "ACCEPTED", sequence=1)
    assert ingest(mail("thunderbird", invited["kim_email"], ics)) == ["stale"]
    participant = _participant(invited["kim"])
    assert (participant.rsvp_status, participant.rsvp_sequence) == ("accepted", 1)
    assert participant.answer_is_stale
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert (
        f'<span class="badge text-bg-warning needs-reconfirmation" id="reconfirm-{participant.id}">'
        "재확인 필요(이전 시간 회신: 참석)</span>"
    ) in page
    assert f'id="rsvp-{participant.id}"' not in page  # the old answer no longer shows as current
    assert outbox_rows("rsvp_answer") == []  # nobody is told "accepted" for the new time
    # A current answer replaces it; a late stale one never replaces a current one.
    current = calendar("REPLY", _uid(invited), invited["kim_email"], "DECLINED", sequence=2)
    assert ingest(mail("outlook", invited["kim_email"], current)) == ["applied"]
    late = calendar("REPLY", _uid(invited), invited["kim_email"], "TENTATIVE", sequence=1)
    assert ingest(mail("gmail", invited["kim_email"], late)) == ["unchanged"]
    participant = _participant(invited["kim"])
    assert (participant.rsvp_status, participant.rsvp_sequence) == ("declined", 2)
    assert not participant.answer_is_stale


def test_the_same_message_twice_changes_nothing_the_second_time(app, invited, ingest):
    ics = calendar("REPLY", _uid(invited), invited["kim_email"], "ACCEPTED", sequence=1)
    raw = mail("apple", invited["kim_email"], ics)
    assert ingest(raw) == ["applied"]
    assert ingest(raw) == ["already processed; nothing changed"]
    # Same Message-ID, different bytes (a copy that picked up another header on the way).
    assert ingest(b"X-Copied: yes\r\n" + raw) == ["already processed; nothing changed"]
    assert count(InboundReply) == 1
    assert len(outbox_rows("rsvp_answer")) == 1


def test_mail_without_an_itip_calendar_is_left_alone(app, invited, ingest):
    no_method = calendar("REPLY", _uid(invited), invited["kim_email"]).replace(
        "METHOD:REPLY\r\n", ""
    )
    raws = (plain_mail(invited["kim_email"]), mail("gmail", invited["kim_email"], no_method))
    assert ingest(*raws) == ["not a calendar reply; left alone"] * 2
    assert count(InboundReply) == 0
    assert _participant(invited["kim"]).rsvp_status == "needs_action"
