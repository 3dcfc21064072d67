"""`slots`: the slot finder for 10 people in Changchun, Seoul and Berlin over 60 days,
with 5,000 existing meetings among them; times the whole search (loading + computing)."""

import os
import random
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from benchmarks.run import timed

MEETINGS = 5000
FIRST_DAY = date(2027, 3, 1)  # Berlin changes to summer time on 2027-03-28
DAYS = 60
PEOPLE = (("Asia/Shanghai", 4), ("Asia/Seoul", 4), ("Europe/Berlin", 2))


def _app(url: str):
    from flask_migrate import upgrade

    from scheduler import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        upgrade()
    return app


def _people() -> tuple[list[str], list[dict], list[dict]]:
    """E-mails, user rows and contact rows: staff in China and Berlin, contacts in Seoul."""
    from scheduler.partners.services import get_partner

    partner_id = get_partner("seoul").id
    emails, users, contacts = [], [], []
    for zone, how_many in PEOPLE:
        for number in range(how_many):
            email = f"{zone.split('/')[1].lower()}-{number}@bench.example.org"
            emails.append(email)
            if zone == "Asia/Seoul":
                contact = {"id": len(contacts) + 1, "partner_id": partner_id, "email": email}
                contacts.append({**contact, "family_name_ko": "김", "timezone": zone})
            else:
                users.append({"id": len(users) + 2, "email": email, "password_hash": "x",
                              "role": "coordinator", "timezone": zone})  # fmt: skip
    return emails, users, contacts


def _meetings(users: list[dict], contacts: list[dict]) -> tuple[list[dict], list[dict]]:
    """5,000 meetings of 30–120 minutes within ±60 days of the range, 1 or 2 of the ten each."""
    rng = random.Random(20270301)
    people = [("user_id", u["id"]) for u in users] + [("contact_id", c["id"]) for c in contacts]
    first = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC)
    meetings, participants = [], []
    for number in range(1, MEETINGS + 1):
        start = first + timedelta(days=rng.randrange(-60, DAYS + 60),
                                  minutes=15 * rng.randrange(0, 64))  # fmt: skip
        meetings.append({"id": number, "uid": f"bench-{number}", "kind": "video_link",
                         "status": "cancelled" if number % 10 == 0 else "confirmed",
                         "start_dt": start, "end_dt": start + timedelta(minutes=rng.choice(
                             (30, 60, 90, 120))), "organizer_id": 1})  # fmt: skip
        for column, ident in rng.sample(people, rng.choice((1, 1, 2))):
            participants.append({"meeting_id": number, column: ident, "role": "participant"})
    return meetings, participants


def _populate(app) -> list[str]:
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting, Participant
    from scheduler.partners.services import seed_partners

    with app.app_context():
        seed_partners()
        emails, users, contacts = _people()
        organizer = {"id": 1, "email": "organizer@bench.example.org", "password_hash": "x"}
        db.session.execute(sa.insert(User), [organizer, *users])
        db.session.execute(sa.insert(Contact), contacts)
        meetings, participants = _meetings(users, contacts)
        db.session.execute(sa.insert(Meeting), meetings)
        db.session.execute(sa.insert(Participant), participants)
        db.session.commit()
    return emails


def _search(emails: list[str]):
    from scheduler.slots import services

    people = services.people_by_email(emails)
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    return services.search_slots(
        people, FIRST_DAY, last_day, duration=timedelta(minutes=60),
        buffer=timedelta(minutes=15), now=None,
    )  # fmt: skip


def _count_queries(app, emails) -> tuple[int, int]:
    from scheduler.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        result = _search(emails)
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    return len(statements), len(result.slots)


def measure(quick: bool) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = _app(url)
        emails = _populate(app)
        queries, found = _count_queries(app, emails)

        def once():
            with app.app_context():
                _search(emails)
                from scheduler.extensions import db

                db.session.remove()

        once()  # warm caches (holiday tables, zoneinfo) as a running server has them
        figures = timed(once, 10 if quick else 50)
        with app.app_context():
            from scheduler.extensions import db

            db.engine.dispose()
    return {"name": "slots", "n": MEETINGS, **figures, "target_ms": 50, "queries": queries,
            "slots_found": found}  # fmt: skip
