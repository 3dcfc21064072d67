"""Helpers for the RSVP, reminder and outbox-page tests: run services as a request would."""

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant


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
    from scheduler.invites.models import OutboxMessage

    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


@pytest.fixture
def invited(app, db, make_meeting, make_contact, make_user):
    """A confirmed video link: a Korean contact, a Chinese staff member, a contact without mail.

    The organizer reads Korean, so the organizer's mail is easy to tell from the page language.
    """
    organizer = make_user("coordinator", locale="ko", timezone="Asia/Shanghai", name_ko="왕팡")
    meeting = make_meeting(organizer=organizer, join_url="https://meet.example.cn/abc",
                           platform="Zoom", passcode="8812")  # fmt: skip
    kim = make_contact("seoul", language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", locale="zh")
    silent = make_contact("seoul", email=None)
    ids = {}
    for name, person in (("kim", kim), ("staff", staff), ("silent", silent)):
        ids[name] = add_person(app, meeting.id, person)
    in_request(app, meeting.id, services.confirm)
    emails = {"kim_email": kim.email, "staff_email": staff.email}
    return {"meeting": db.session.get(Meeting, meeting.id), "organizer": organizer, **ids, **emails}
