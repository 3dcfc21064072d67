"""Reminders: rows follow the meeting; the due job queues them in each reader's language."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.invites.reminders.models import Reminder
from scheduler.invites.reminders.services import enqueue_due_reminders
from scheduler.jobs import add_jobs
from scheduler.meetings import services
from scheduler.meetings.models import parse_offsets
from tests.invites_support import in_request, outbox_rows

START = datetime(2030, 12, 3, 6, 30, tzinfo=UTC)  # 14:30 in Changchun, 15:30 in Seoul
KOREAN_CLOCK = "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"
CHINESE_CLOCK = "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"


def _rows(meeting_id: int) -> set:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Reminder).where(Reminder.meeting_id == meeting_id))
    return {(r.participant_id, r.kind, r.offset_minutes, r.due_at, r.is_sent, r.is_skipped)
            for r in rows}  # fmt: skip


def _expected(invited, start=START, sent=()):
    """24 h and 1 h before for the two participants with mail, the 30-minute tech check."""
    rows = set()
    for who in ("kim", "staff"):
        for minutes in (1440, 60):
            done = (who, minutes) in sent
            rows.add((invited[who], "before_start", minutes, start - timedelta(minutes=minutes),
                      done, False))  # fmt: skip
    rows.add((None, "tech_check", 30, start - timedelta(minutes=30), False, False))
    return rows


def _run_job(app, now):
    with app.app_context():
        counts = enqueue_due_reminders(now)
        db.session.commit()
    db.session.expire_all()
    return counts


@pytest.fixture
def smtp_app(app, smtp_server):
    settings = {"MAIL_TRANSPORT": "smtp", "SMTP_HOST": smtp_server.host,
                "SMTP_PORT": smtp_server.port, "SMTP_SECURITY": "none"}  # fmt: skip
    previous = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield app
    app.config.update(previous)


def _deliver(app, smtp_server, kind):
    """Deliver everything, return the received messages of *kind* by recipient."""
    wanted = {row.message_id for row in outbox_rows(kind)}
    with app.app_context():
        while any(deliver_due(now=START + timedelta(days=1)).values()):
            pass
    db.session.expire_all()
    return {
        m.rcpt_tos[0]: m.message for m in smtp_server.messages if m.message["Message-ID"] in wanted
    }


def test_offsets_are_parsed_strictly():
    assert parse_offsets("60, 1440,60") == (1440, 60)
    assert parse_offsets("") == ()
    for bad in ("soon", "0", "-5", "30000"):
        with pytest.raises(ValueError):
            parse_offsets(bad)


def test_drafts_have_none_and_confirming_creates_them(app, make_meeting, invited):
    assert _rows(make_meeting().id) == set()
    assert _rows(invited["meeting"].id) == _expected(invited)


def test_tentative_meetings_have_reminders_too(app, make_meeting, make_contact):
    meeting = make_meeting(kind="forum")
    in_request(app, meeting.id, services.make_tentative)
    assert _rows(meeting.id) == set()  # nobody to remind yet, and no tech check for a forum


def test_per_meeting_offsets_and_settings(app, invited):
    in_request(app, invited["meeting"].id, lambda m: setattr(m, "reminder_offsets", "120"))
    in_request(app, invited["meeting"].id, lambda m: services.update_meeting(m, {"title_en": "x"}))
    assert {(r[2], r[1]) for r in _rows(invited["meeting"].id)} == {
        (120, "before_start"), (30, "tech_check"),
    }  # fmt: skip


def test_rescheduling_moves_them_and_sent_ones_are_due_again(app, invited):
    _run_job(app, START - timedelta(hours=23))  # the 24-hour reminders go out
    assert _rows(invited["meeting"].id) == _expected(invited, sent={("kim", 1440), ("staff", 1440)})
    later = START + timedelta(days=2)
    in_request(app, invited["meeting"].id,
               lambda m: services.reschedule(m, later, later + timedelta(hours=1)))  # fmt: skip
    assert _rows(invited["meeting"].id) == _expected(invited, start=later)


def test_cancelling_drops_them(app, invited):
    in_request(app, invited["meeting"].id, lambda m: services.cancel(m, "台风"))
    assert _rows(invited["meeting"].id) == set()


def test_postponing_drops_them(app, invited):
    in_request(app, invited["meeting"].id, lambda m: services.postpone(m, "议程调整"))
    assert _rows(invited["meeting"].id) == set()


def test_a_declined_participant_gets_none(app, client, invited):
    from tests.test_rsvp import _link

    client.post(_link(app, invited["kim"]).split("?")[0], data={"answer": "declined"})
    assert {r[0] for r in _rows(invited["meeting"].id)} == {invited["staff"], None}


def test_due_reminders_go_out_in_each_readers_language(smtp_app, smtp_server, invited):
    assert _run_job(smtp_app, START - timedelta(hours=23)) == {"sent": 2, "skipped": 0}
    assert _run_job(smtp_app, START - timedelta(hours=23)) == {"sent": 0, "skipped": 0}
    received = _deliver(smtp_app, smtp_server, "reminder_before_start")
    assert set(received) == {invited["kim_email"], invited["staff_email"]}
    kim, staff = received[invited["kim_email"]], received[invited["staff_email"]]
    assert kim["Subject"] == f"회의 알림: 한중 화상회의, {KOREAN_CLOCK}"
    assert kim["Reply-To"] == invited["organizer"].email
    text = kim.get_body(("plain",)).get_content()
    assert f"시간: {KOREAN_CLOCK}\r\n" in text
    assert "참가 링크: https://meet.example.cn/abc\r\n" in text
    assert "회의 암호: 8812\r\n" in text
    html = kim.get_body(("html",)).get_content()
    assert '<html lang="ko">' in html and '<a href="https://meet.example.cn/abc">' in html
    assert staff["Subject"] == f"会议提醒：中韩视频连线，{CHINESE_CLOCK}"
    assert f"时间：{CHINESE_CLOCK}\r\n" in staff.get_body(("plain",)).get_content()


def test_a_missed_reminder_still_goes_if_the_meeting_has_not_started(app, invited):
    # The scheduler was down for a day: both reminders are due; only the latest one goes.
    assert _run_job(app, START - timedelta(minutes=40)) == {"sent": 2, "skipped": 2}
    rows = _rows(invited["meeting"].id)
    for who in ("kim", "staff"):
        assert (invited[who], "before_start", 60, START - timedelta(hours=1), True, False) in rows
        assert (invited[who], "before_start", 1440, START - timedelta(days=1), False, True) in rows
    assert len(outbox_rows("reminder_before_start")) == 2


def test_a_missed_reminder_is_skipped_once_the_meeting_has_started(app, invited):
    assert _run_job(app, START + timedelta(minutes=5)) == {"sent": 0, "skipped": 5}
    assert {r[4:] for r in _rows(invited["meeting"].id)} == {(False, True)}
    assert outbox_rows("reminder_before_start") == outbox_rows("reminder_tech_check") == []


def test_the_organizer_gets_the_technical_check_reminder(smtp_app, smtp_server, invited):
    assert _run_job(smtp_app, START - timedelta(minutes=31)) == {"sent": 2, "skipped": 2}
    assert _run_job(smtp_app, START - timedelta(minutes=30)) == {"sent": 1, "skipped": 0}
    [mail] = _deliver(smtp_app, smtp_server, "reminder_tech_check").items()
    assert mail[0] == invited["organizer"].email
    check = "12월 3일(화) 14:00(중국 시간) / 15:00(한국 시간)"
    assert mail[1]["Subject"] == f"사전 기술 점검 알림: 한중 화상회의, {check}"
    text = mail[1].get_body(("plain",)).get_content()
    assert f"회의 시작 30분 전인 {check}에 진행됩니다." in text


def test_the_scheduler_runs_the_reminder_job_every_minute(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    job = scheduler.get_job("enqueue-reminders")
    assert (job.func.__name__, job.trigger.interval) == (
        "enqueue_reminders_job",
        timedelta(seconds=60),
    )
