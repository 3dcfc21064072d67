"""Racing requests change a meeting once (PostgreSQL, where requests really run in parallel):
twenty identical answers through the same link tell the organizer once; the same guest
added by ten requests at once is added once, and the others hear "already takes part"."""

import threading

import sqlalchemy as sa

from scheduler.extensions import db
from tests.test_conflict_race import race_app  # noqa: F401 - the PostgreSQL scratch app

RACERS = 20


def _together(count: int, work) -> list:
    """Run *work()* in *count* threads released at once; their results."""
    barrier, results = threading.Barrier(count), []

    def run():
        barrier.wait(timeout=10)
        results.append(work())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _confirmed_meeting_with_a_contact(app) -> tuple[int, str]:
    """A confirmed meeting with a Korean contact; (meeting id, the contact's answer token)."""
    from datetime import UTC, datetime, timedelta

    from scheduler.auth.services import create_user
    from scheduler.contacts.models import Contact
    from scheduler.invites.rsvp.services import rsvp_token
    from scheduler.meetings import services
    from scheduler.partners.services import get_partner

    with app.test_request_context():
        organizer = create_user("organizer@example.org", "correct horse battery", "coordinator")
        start = datetime(2031, 3, 4, 2, 0, tzinfo=UTC)
        data = {"kind": "video_link", "title_zh": "会谈", "title_ko": "회담",
                "start_dt": start, "end_dt": start + timedelta(hours=1)}  # fmt: skip
        seoul = get_partner("seoul")
        meeting = services.create_meeting(organizer, data, [seoul])
        contact = Contact(
            partner=seoul,
            family_name_ko="김",
            given_name_ko="서연",
            family_name_zh="金",
            given_name_zh="瑞妍",
            romanized_family="Kim",
            romanized_given="Seo-yeon",
            email="kim@seoul.example.kr",
            language="ko",
            timezone="Asia/Seoul",
        )
        db.session.add(contact)
        db.session.flush()  # the column defaults (active) apply
        participant = services.add_participant(meeting, contact=contact)
        services.confirm(meeting)
        db.session.commit()
        return meeting.id, rsvp_token(participant)


def _rows(app, query):
    with app.app_context():
        return db.session.execute(query).all()


def test_twenty_identical_answers_tell_the_organizer_once(race_app):  # noqa: F811
    from scheduler.invites.outbox.models import OutboxMessage

    _meeting_id, token = _confirmed_meeting_with_a_contact(race_app)
    statuses = _together(
        RACERS,
        lambda: (
            race_app.test_client().post(f"/rsvp/{token}", data={"answer": "accepted"}).status_code
        ),
    )
    assert statuses == [302] * RACERS, statuses  # each sees the answer page again
    notices = sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == "rsvp_answer")
    assert _rows(race_app, notices) == [("organizer@example.org",)]


def test_the_same_guest_added_at_once_is_added_once(race_app):  # noqa: F811
    from scheduler.meetings.models import Meeting, Participant
    from scheduler.meetings.services import MeetingError, add_participant

    meeting_id, _token = _confirmed_meeting_with_a_contact(race_app)

    def add():
        with race_app.test_request_context(headers={"Accept-Language": "en"}):
            try:
                add_participant(db.session.get(Meeting, meeting_id),
                                guest_email="guest@example.org", guest_name="A. Guest")  # fmt: skip
                db.session.commit()
                return "added"
            except MeetingError as error:
                db.session.rollback()
                return f"{error.status} {error.message}"
            finally:
                db.session.remove()

    outcomes = sorted(_together(10, add))
    assert outcomes == [
        *["409 This person already takes part in the meeting."] * 9, "added",
    ]  # fmt: skip
    guests = sa.select(Participant.guest_email).where(
        Participant.meeting_id == meeting_id, Participant.guest_email.is_not(None)
    )
    assert _rows(race_app, guests) == [("guest@example.org",)]
