"""calendar_month: the month view with 2,000 meetings in that month, through the test client.

Also counts the SQL statements one render issues, for 2,000 meetings and for 200, to show the
count does not depend on the number of meetings.
"""

import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

BIG_MONTH, SMALL_MONTH = date(2031, 3, 1), date(2031, 5, 1)
MEETINGS, SMALL = 2000, 200
PASSWORD = "benchmark password"  # noqa: S105


def _app(folder: Path):
    from config import TestingConfig
    from scheduler import create_app

    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bench.db'}"
    return create_app(settings)


def _meeting_rows(organizer_id: int, month: date, how_many: int) -> list[dict]:
    kinds = ("video_link", "inbound_visit", "forum", "signing")
    statuses = ("draft", "tentative", "confirmed", "cancelled")
    rows = []
    for n in range(how_many):
        start = datetime.combine(month + timedelta(days=n % 28), datetime.min.time(), UTC)
        start += timedelta(hours=n % 12, minutes=15 * (n % 4))
        rows.append({
            "uid": str(uuid.uuid4()), "kind": kinds[n % 4], "status": statuses[n % 4],
            "title_zh": f"中韩交流会议 {n}", "title_ko": f"한중 교류 회의 {n}",
            "start_dt": start, "end_dt": start + timedelta(minutes=60),
            "timezone": "Asia/Shanghai", "organizer_id": organizer_id,
        })  # fmt: skip
    return rows


def _seed(organizer_id: int, partner_ids: list[int]) -> None:
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting, meeting_partners

    for month, how_many in ((BIG_MONTH, MEETINGS), (SMALL_MONTH, SMALL)):
        db.session.execute(sa.insert(Meeting), _meeting_rows(organizer_id, month, how_many))
    ids = db.session.scalars(sa.select(Meeting.id).order_by(Meeting.id)).all()
    links = [{"meeting_id": mid, "partner_id": partner_ids[mid % len(partner_ids)]} for mid in ids]
    links += [{"meeting_id": mid, "partner_id": partner_ids[0]} for mid in ids[::5]
              if mid % len(partner_ids)]  # fmt: skip
    db.session.execute(sa.insert(meeting_partners), links)
    db.session.commit()


def _prepare(app):
    from flask_migrate import upgrade

    from scheduler.auth.services import create_user
    from scheduler.extensions import db
    from scheduler.partners.models import Partner
    from scheduler.partners.services import seed_partners

    with app.app_context():
        upgrade()
        seed_partners()
        user = create_user("bench@example.org", PASSWORD, "coordinator", name_zh="王芳")
        db.session.commit()
        partner_ids = db.session.scalars(sa.select(Partner.id).order_by(Partner.id)).all()
        _seed(user.id, partner_ids)


def measure(quick: bool) -> dict:
    from benchmarks.run import count_queries, timed

    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        _prepare(app)
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        url = f"/calendar/month?date={BIG_MONTH.isoformat()}&clock=both"
        page = client.get(url).get_data(as_text=True)
        assert page.count('class="cal-entry ') >= MEETINGS, "the month did not show every meeting"
        figures = timed(lambda: client.get(url), 5 if quick else 30)
        small_url = f"/calendar/month?date={SMALL_MONTH.isoformat()}&clock=both"
        result = {
            "name": "calendar_month", "n": MEETINGS, **figures, "target_ms": 150,
            "queries": count_queries(app, client, url),
            "queries_at_200": count_queries(app, client, small_url),
            "page_kb": round(len(page.encode()) / 1024),
        }  # fmt: skip
        with app.app_context():
            from scheduler.extensions import db

            db.engine.dispose()
        return result


if __name__ == "__main__":
    import json

    print(json.dumps(measure(quick=True), ensure_ascii=False))
