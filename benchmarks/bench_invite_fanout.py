"""`invite_fanout`: one change to a meeting with 50 recipients, end to end.

Each round moves the meeting (so every participant gets an updated invite): the listener
renders 50 messages (text, HTML, calendar; Chinese, Korean and English readers), the change
is committed, and `deliver_due` hands all 50 to a local aiosmtpd server started here.
median_ms/p95_ms are per round of 50 messages; target 2,000 ms.
"""

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_outbox_throughput import HOST, _percentile, _start_server

RECIPIENTS = 50
LANGUAGES = ("ko", "zh", "en")


def _app(url: str, port: int):
    from flask_migrate import upgrade

    from scheduler import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "MAIL_TRANSPORT": "smtp",
                      "SMTP_HOST": HOST, "SMTP_PORT": port, "SMTP_SECURITY": "none"})  # fmt: skip
    with app.app_context():
        upgrade()
    return app


def _meeting(app) -> int:
    """A confirmed video link with 50 guests (a third each reading Korean, Chinese, English)."""
    from scheduler.auth.services import create_user
    from scheduler.extensions import db
    from scheduler.invites.outbox.delivery import deliver_due
    from scheduler.meetings import services
    from scheduler.partners.services import get_partner, seed_partners

    with app.app_context():
        seed_partners()
        organizer = create_user("bench@example.cn", "benchmark password", "coordinator",
                                name_zh="王芳", name_ko="왕팡")  # fmt: skip
        start = datetime(2031, 3, 4, 6, 30, tzinfo=UTC)
        meeting = services.create_meeting(organizer, {
            "kind": "video_link", "title_zh": "中韩视频连线", "title_ko": "한중 화상회의",
            "start_dt": start, "end_dt": start + timedelta(minutes=90),
            "timezone": "Asia/Shanghai", "platform": "Zoom", "join_url": "https://zoom.us/j/1",
            "meeting_code": "812 4471 0093", "passcode": "5521",
        }, [get_partner("seoul")])  # fmt: skip
        for n in range(RECIPIENTS):
            services.add_participant(meeting, guest_email=f"p{n}@example.kr",
                                     guest_name=f"김민수 {n}",
                                     guest_language=LANGUAGES[n % 3])  # fmt: skip
        services.confirm(meeting)
        db.session.commit()
        meeting_id = meeting.id
        deliver_due(limit=RECIPIENTS)  # the first invites
        db.session.remove()
    return meeting_id


def _move_and_deliver(app, meeting_id: int, days: int) -> int:
    """Move the meeting by *days*, commit, deliver; returns how many were sent."""
    from scheduler.extensions import db
    from scheduler.invites.outbox.delivery import deliver_due
    from scheduler.meetings import services
    from scheduler.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        shift = timedelta(days=days)
        services.reschedule(meeting, meeting.start_dt + shift, meeting.end_dt + shift)
        db.session.commit()
        sent = deliver_due(limit=RECIPIENTS)["sent"]
        db.session.remove()
    return sent


def measure(quick: bool) -> dict:
    controller, handler = _start_server()
    rounds, sent = [], []
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
            app = _app(url, controller.port)
            meeting_id = _meeting(app)
            _move_and_deliver(app, meeting_id, 7)  # warm-up, not timed
            for n in range(3 if quick else 10):
                start = time.perf_counter()
                sent.append(_move_and_deliver(app, meeting_id, 1 if n % 2 == 0 else -1))
                rounds.append((time.perf_counter() - start) * 1000)
            with app.app_context():
                from scheduler.extensions import db

                db.engine.dispose()
    finally:
        controller.stop()
    return {
        "name": "invite_fanout", "n": RECIPIENTS, "rounds": len(rounds),
        "sent_per_round": sorted(set(sent)), "received": handler.count,
        "median_ms": round(sorted(rounds)[len(rounds) // 2], 2),
        "p95_ms": round(_percentile(rounds, 0.95), 2),
        "median_per": f"one change: {RECIPIENTS} messages rendered and delivered",
        "target_ms": 2000,
    }  # fmt: skip
