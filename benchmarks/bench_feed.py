"""feed: a partner's subscription feed of 1,000 events through the test client.

Figures: an unchanged feed's full GET (served from the body cache), a 304 revalidation, a GET
right after one meeting changed (one block re-rendered), a GET with nothing cached at all,
and, as the yardstick, icalendar alone building and serializing the same 1,000 events.
"""

import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

EVENTS = 1000
PASSWORD = "benchmark password"  # noqa: S105


def _app(folder: Path):
    from config import TestingConfig
    from scheduler import create_app

    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bench.db'}"
    return create_app(settings)


def _rows(organizer_id: int) -> list[dict]:
    """1,000 meetings spread over the default window (80 days back to 16 months ahead)."""
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=80)
    rows = []
    for n in range(EVENTS):
        start = first + timedelta(hours=13 * n)
        rows.append({
            "uid": str(uuid.uuid4()), "kind": "video_link", "status": "confirmed",
            "title_zh": f"中韩交流视频会议 第{n}次", "title_ko": f"한중 교류 화상회의 제{n}차",
            "agenda_zh": "合作项目进展汇报。", "agenda_ko": "협력 사업 진행 보고.",
            "join_url": "https://meet.example.org/r/1", "passcode": "735911",
            "start_dt": start, "end_dt": start + timedelta(minutes=60),
            "timezone": "Asia/Shanghai", "organizer_id": organizer_id,
        })  # fmt: skip
    return rows


def _prepare(app) -> str:
    """Schema, partners, 1,000 meetings with Seoul, and a Seoul feed; returns its path."""
    from flask_migrate import upgrade

    from scheduler.auth.services import create_user
    from scheduler.extensions import db
    from scheduler.feeds.services import create_feed
    from scheduler.meetings.models import Meeting, meeting_partners
    from scheduler.partners.services import get_partner, seed_partners

    with app.app_context():
        upgrade()
        seed_partners()
        user = create_user("bench@example.org", PASSWORD, "coordinator", name_zh="王芳")
        db.session.execute(sa.insert(Meeting), _rows(user.id))
        seoul = get_partner("seoul")
        ids = db.session.scalars(sa.select(Meeting.id)).all()
        links = [{"meeting_id": mid, "partner_id": seoul.id} for mid in ids]
        db.session.execute(sa.insert(meeting_partners), links)
        _feed, token = create_feed("partner", seoul, user, "ko")
        db.session.commit()
        return f"/calendars/{token}.ics"


def _touch_one(app) -> None:
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
        meeting.title_ko = f"바뀐 제목 {uuid.uuid4().hex[:6]}"
        db.session.commit()


def _drop_caches(app) -> None:
    from scheduler.extensions import db
    from scheduler.feeds.models import FeedBody, FeedEventBlock

    with app.app_context():
        db.session.execute(sa.delete(FeedBody))
        db.session.execute(sa.delete(FeedEventBlock))
        db.session.commit()


def _icalendar_alone(app) -> None:
    """build_event for every meeting and one Calendar serialization: the uncached yardstick."""
    from sqlalchemy.orm import selectinload

    from scheduler.extensions import db
    from scheduler.invites.ical import build_event, calendar_bytes
    from scheduler.meetings.models import Meeting

    with app.test_request_context():
        meetings = db.session.scalars(sa.select(Meeting).options(
            selectinload(Meeting.partners), selectinload(Meeting.organizer))).all()  # fmt: skip
        calendar_bytes([build_event(m, "ko", zone="Asia/Seoul") for m in meetings])


def _timed_after(prepare, call, repeat: int) -> dict:
    from benchmarks.run import timed

    samples = []
    for _ in range(repeat):
        prepare()
        samples.append(timed(call, 1)["median_ms"])
    samples.sort()
    return {"median_ms": samples[len(samples) // 2], "p95_ms": samples[-1]}


def measure(quick: bool) -> dict:
    from benchmarks.run import timed

    repeat = 5 if quick else 30
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        path = _prepare(app)
        client = app.test_client()
        first = client.get(path)
        assert first.status_code == 200 and first.data.count(b"BEGIN:VEVENT") == EVENTS
        etag = first.headers["ETag"]
        full = timed(lambda: client.get(path), repeat * 4)
        revalidate = timed(lambda: client.get(path, headers={"If-None-Match": etag}), repeat * 4)
        changed = _timed_after(lambda: _touch_one(app), lambda: client.get(path), repeat)
        cold = _timed_after(
            lambda: _drop_caches(app), lambda: client.get(path), max(3, repeat // 3)
        )
        yardstick = timed(lambda: _icalendar_alone(app), max(3, repeat // 3))
        result = {
            "name": "feed", "n": EVENTS, **full, "target_ms": 50,
            "not_modified_median_ms": revalidate["median_ms"],
            "not_modified_p95_ms": revalidate["p95_ms"], "not_modified_target_ms": 20,
            "after_change_median_ms": changed["median_ms"], "after_change_target_ms": 100,
            "uncached_median_ms": cold["median_ms"],
            "icalendar_alone_median_ms": yardstick["median_ms"],
            "body_kb": round(len(first.data) / 1024),
        }  # fmt: skip
        with app.app_context():
            from scheduler.extensions import db

            db.engine.dispose()
        return result


if __name__ == "__main__":
    import json

    print(json.dumps(measure(quick=True), ensure_ascii=False))
