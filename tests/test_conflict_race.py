"""Two requests racing to book the same interpreter (or room) at overlapping times: one wins.

Needs real commits and real concurrency, so it runs on a scratch PostgreSQL database only.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db

ROUNDS = 5


@pytest.fixture
def race_app(database_url, scratch_database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time; the race needs PostgreSQL")
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        from scheduler.partners.services import seed_partners

        seed_partners()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _setup_round(app, number: int) -> tuple[list[int], int, int]:
    """Two overlapping meetings, an interpreter and a room; returns their ids."""
    from scheduler.auth.services import create_user
    from scheduler.meetings.models import Room
    from scheduler.meetings.services import create_meeting
    from scheduler.partners.services import get_partner

    with app.app_context():
        organizer = create_user(f"organizer-{number}@example.org", "correct horse battery",
                                "coordinator")  # fmt: skip
        interpreter = create_user(f"interpreter-{number}@example.org", "correct horse battery",
                                  "coordinator")  # fmt: skip
        room = Room(name_zh=f"会议室 {number}")
        db.session.add(room)
        start = datetime(2031, 1, 6, 1, 0, tzinfo=UTC) + timedelta(days=number)
        ids = []
        for offset in (0, 30):  # the second starts half an hour into the first
            data = {"kind": "video_link", "title_zh": f"会谈 {number}",
                    "start_dt": start + timedelta(minutes=offset),
                    "end_dt": start + timedelta(minutes=offset + 90)}  # fmt: skip
            ids.append(create_meeting(organizer, data, [get_partner("seoul")]).id)
        db.session.commit()
        return ids, interpreter.id, room.id


def _race(app, meeting_ids: list[int], book) -> list[str]:
    """Run *book(meeting)* for both meetings in two threads that start together."""
    from scheduler.meetings.models import Meeting
    from scheduler.meetings.services import MeetingError

    barrier = threading.Barrier(len(meeting_ids))
    outcomes: list[str] = []

    def worker(meeting_id: int) -> None:
        # Its own app context and session, as a request has; English messages.
        with app.test_request_context(headers={"Accept-Language": "en"}):
            meeting = db.session.get(Meeting, meeting_id)
            barrier.wait(timeout=10)  # both are about to check; neither has committed
            try:
                book(meeting)
                db.session.commit()
                outcomes.append("booked")
            except MeetingError as error:
                db.session.rollback()
                outcomes.append(f"refused: {error.message}")
            except sa.exc.DBAPIError as error:  # e.g. a deadlock: the lock did not serialize
                db.session.rollback()
                outcomes.append(f"database error: {type(error.orig).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in meeting_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def _bookings(app, column, value) -> int:
    from scheduler.meetings.models import Meeting, Participant

    with app.app_context():
        if column == "room":
            query = sa.select(sa.func.count()).select_from(Meeting).where(Meeting.room_id == value)
        else:
            query = (
                sa.select(sa.func.count())
                .select_from(Participant)
                .where(Participant.user_id == value, Participant.role == "interpreter")
            )
        return db.session.scalar(query)


REFUSED = "refused: An interpreter or room is already booked at this time."


@pytest.mark.parametrize("number", range(ROUNDS))
def test_the_same_interpreter_cannot_be_booked_twice_by_racing_requests(race_app, number):
    from scheduler.auth.models import User
    from scheduler.meetings.services import add_participant

    meeting_ids, interpreter_id, _room_id = _setup_round(race_app, number)

    def book(meeting):
        interpreter = db.session.get(User, interpreter_id)
        add_participant(meeting, role="interpreter", user=interpreter)

    assert _race(race_app, meeting_ids, book) == ["booked", REFUSED]
    assert _bookings(race_app, "interpreter", interpreter_id) == 1


@pytest.mark.parametrize("number", range(ROUNDS))
def test_the_same_room_cannot_be_booked_twice_by_racing_requests(race_app, number):
    from scheduler.meetings.services import update_meeting

    meeting_ids, _interpreter_id, room_id = _setup_round(race_app, number)

    def book(meeting):
        update_meeting(meeting, {"room_id": room_id})

    refused = f"refused: The room 会议室 {number} is already booked at this time."
    assert _race(race_app, meeting_ids, book) == ["booked", refused]
    assert _bookings(race_app, "room", room_id) == 1
