"""A contact with something of everything: meetings and an answer, a visit, mail, a feed."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from scheduler.invites.outbox.delivery import enqueue
from scheduler.meetings import services as meetings
from scheduler.visits.delegation import add_member
from tests.feeds_support import new_feed

SENT_AT = datetime(2030, 11, 20, 1, 0, tzinfo=UTC)
ANSWERED_AT = datetime(2030, 11, 21, 2, 0, tzinfo=UTC)
EMAIL = "seoyeon.park@busan.example.kr"


def queue_mail(to: str, subject: str, body: str, status: str = "sent", at=SENT_AT):
    message = EmailMessage()
    message["From"] = "office@example.cn"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content(body)
    row = enqueue(message)
    row.status, row.created_at = status, at
    if status == "sent":
        row.sent_at, row.attempts = at, 1
    return row


@pytest.fixture
def person(app, db, auth, make_contact, make_meeting, visit):
    """Park Seo-yeon of Busan, in one meeting (accepted), on one visit, one mail, one feed."""
    contact = make_contact(
        "busan", family_name_ko="박", given_name_ko="서연", family_name_zh="朴",
        given_name_zh="瑞妍", romanized_family="Park", romanized_given="Seo-yeon", email=EMAIL,
        phone="+82 51 888 1234", title_ko="과장", title_zh="科长", notes="채식 / 素食",
    )  # fmt: skip
    meeting = make_meeting(title_zh="东北亚论坛", title_ko="동북아 포럼", title_en="NE Asia Forum")
    participant = meetings.add_participant(meeting, contact=contact)
    participant.rsvp_status, participant.rsvp_at = "accepted", ANSWERED_AT
    add_member(visit, "member", contact=contact, title_ko="단장 보좌", title_zh="团长助理")
    mail = queue_mail(EMAIL, "초대: 동북아 포럼", "박서연 과장님, 동북아 포럼에 초대합니다.")
    other = queue_mail("someone@example.kr", "초대: 동북아 포럼", "다른 분께")
    db.session.commit()
    feed_path = new_feed(app, "--contact", EMAIL)
    auth.logout()  # the visit was made by a coordinator signed in; each test signs in its own
    return {
        "contact": contact,
        "meeting": meeting,
        "visit": visit,
        "mail": mail,
        "other_mail": other,
        "feed": feed_path,
    }
