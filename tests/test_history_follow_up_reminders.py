"""Reminder e-mails to follow-up owners: due 09:00 their time, in their language, sent once."""

import email
import email.policy
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.follow_ups.reminders import enqueue_due_follow_up_reminders
from scheduler.history.follow_ups.services import set_status
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.jobs import enqueue_reminders_job
from scheduler.timefmt import today_in
from tests.follow_up_support import add_follow_up
from tests.invites_support import outbox_rows

KIND = "follow_up_reminder"
LATE_START = datetime(2030, 12, 3, 16, 30, tzinfo=UTC)  # 00:30 on 12-04 in Changchun
REMIND_SEOUL = datetime(2030, 12, 18, 0, 0, tzinfo=UTC)  # 09:00 in Seoul, two days before


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(start_dt=LATE_START, end_dt=LATE_START + timedelta(hours=1))


@pytest.fixture
def kim(make_user):
    return make_user("coordinator", locale="ko", timezone="Asia/Seoul", name_ko="김민지",
                     email="minji.kim@example.kr")  # fmt: skip


def _run(app, now):
    with app.app_context():
        counts = enqueue_due_follow_up_reminders(now)
        db.session.commit()
    db.session.expire_all()
    return counts


def _message(row):
    return email.message_from_bytes(row.raw, policy=email.policy.default)


def _text(row) -> str:
    return _message(row).get_body(("plain",)).get_content()


def test_the_reminder_is_due_at_nine_on_the_owners_clock(app, meeting, kim):
    follow_up = add_follow_up(meeting, kim)
    assert follow_up.remind_at == REMIND_SEOUL
    assert _run(app, REMIND_SEOUL - timedelta(seconds=1)) == {"sent": 0, "skipped": 0}
    assert outbox_rows(KIND) == []
    assert _run(app, REMIND_SEOUL) == {"sent": 1, "skipped": 0}
    [row] = outbox_rows(KIND)
    assert (row.recipient, row.meeting_id, row.status) == (kim.email, meeting.id, "pending")
    assert row.subject == "후속 조치 기한 12월 20일(금): 寄送合作备忘录草案"
    db.session.refresh(follow_up)
    assert follow_up.reminder_sent_at == REMIND_SEOUL
    assert _run(app, REMIND_SEOUL + timedelta(hours=1)) == {"sent": 0, "skipped": 0}
    assert len(outbox_rows(KIND)) == 1  # never twice


def test_the_mail_is_in_the_owners_language_with_both_clocks_and_a_link(app, meeting, kim):
    follow_up = add_follow_up(meeting, kim, notes="附韩文版")
    _run(app, REMIND_SEOUL)
    text = _text(outbox_rows(KIND)[0])
    link = f"{app.config['BASE_URL'].rstrip('/')}/follow-ups/{follow_up.id}/edit"
    assert text == (
        "김민지 님께\r\n\r\n"
        "맡으신 후속 조치의 기한이 12월 20일(금)입니다.\r\n\r\n"
        "조치 사항: 寄送合作备忘录草案\r\n"
        "기한: 12월 20일(금)\r\n"
        "메모: 附韩文版\r\n"
        "회의: 한중 화상회의\r\n"
        "시간: 12월 4일(수) 01:30~02:30(한국 시간) / 00:30~01:30(중국 시간)\r\n\r\n"
        f"후속 조치 열기: {link}\r\n"
        "-- \r\n"
        "한중 교류 일정 관리\r\n"
    )


@pytest.mark.parametrize(
    ("locale", "zone", "subject", "clock"),
    [
        ("zh", "Asia/Shanghai", "跟进事项12月20日（周五）到期：寄送合作备忘录草案",
         "时间：12月4日（周三）00:30–01:30（北京时间） / 01:30–02:30（首尔时间）"),
        ("en", "Asia/Shanghai", "Follow-up due Fri, Dec 20: 寄送合作备忘录草案",
         "Time: Wed, Dec 4 12:30 AM–1:30 AM Changchun time / 1:30 AM–2:30 AM Seoul time"),
    ],
)  # fmt: skip
def test_each_owner_reads_their_own_language(app, meeting, make_user, locale, zone, subject,
                                             clock):  # fmt: skip
    owner = make_user("coordinator", locale=locale, timezone=zone)
    add_follow_up(meeting, owner)
    _run(app, REMIND_SEOUL + timedelta(hours=1))  # 09:00 in Changchun
    [row] = outbox_rows(KIND)
    assert row.subject == subject
    assert clock in _text(row)


def test_done_and_dropped_actions_are_never_reminded(app, meeting, kim):
    done = add_follow_up(meeting, kim, "已完成")
    dropped = add_follow_up(meeting, kim, "已放弃")
    set_status(done, "done")
    set_status(dropped, "dropped")
    db.session.commit()
    assert _run(app, REMIND_SEOUL + timedelta(days=1)) == {"sent": 0, "skipped": 0}
    assert outbox_rows(KIND) == []


def test_an_action_created_after_its_reminder_time_is_reminded_at_the_next_run(app, meeting, kim):
    add_follow_up(meeting, kim, due=date(2030, 12, 19))  # due at 09:00 Seoul on 12-17
    now = datetime(2030, 12, 19, 14, 0, tzinfo=UTC)  # 23:00 on the due date in Seoul
    assert _run(app, now) == {"sent": 1, "skipped": 0}


def test_once_the_due_date_has_passed_on_the_owners_clock_no_reminder_goes(app, meeting, kim):
    follow_up = add_follow_up(meeting, kim, due=date(2030, 12, 19))
    now = datetime(2030, 12, 19, 15, 0, tzinfo=UTC)  # 00:00 on 12-20 in Seoul
    assert _run(app, now) == {"sent": 0, "skipped": 1}
    assert outbox_rows(KIND) == []
    db.session.refresh(follow_up)
    assert follow_up.reminder_sent_at is None


def test_an_inactive_owner_gets_no_mail(app, meeting, kim):
    add_follow_up(meeting, kim)
    kim.is_active_user = False
    db.session.commit()
    assert _run(app, REMIND_SEOUL) == {"sent": 0, "skipped": 0}


def test_a_new_due_date_sends_the_reminder_again(app, client, auth, meeting, kim):
    follow_up = add_follow_up(meeting, kim)
    _run(app, REMIND_SEOUL)
    auth.login("coordinator")
    data = {"title": follow_up.title, "owner_id": str(kim.id), "due_date": "2030-12-30",
            "status": "open", "notes": ""}  # fmt: skip
    assert client.post(f"/follow-ups/{follow_up.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert follow_up.remind_at == datetime(2030, 12, 28, 0, 0, tzinfo=UTC)
    assert _run(app, datetime(2030, 12, 27, 0, 0, tzinfo=UTC))["sent"] == 0
    assert _run(app, datetime(2030, 12, 28, 0, 0, tzinfo=UTC))["sent"] == 1
    assert [row.subject.split(":")[0] for row in outbox_rows(KIND)] == [
        "후속 조치 기한 12월 20일(금)", "후속 조치 기한 12월 30일(월)",
    ]  # fmt: skip


def test_the_setting_changes_how_many_days_ahead(app, auth, client, meeting, kim):
    auth.login("coordinator")
    data = {"title": "寄送合作备忘录草案", "owner_id": str(kim.id), "due_date": "2030-12-20"}
    app.config["FOLLOW_UP_REMINDER_DAYS"] = 5
    try:
        assert client.post(f"/meetings/{meeting.id}/follow-ups", data=data).status_code == 302
    finally:
        app.config["FOLLOW_UP_REMINDER_DAYS"] = 2
    [follow_up] = meeting.follow_ups
    assert follow_up.remind_at == datetime(2030, 12, 15, 0, 0, tzinfo=UTC)


def test_the_reminders_job_sends_due_ones_through_smtp(smtp_app, make_meeting, kim,
                                                      smtp_server):  # fmt: skip
    past = make_meeting(start_dt=datetime(2020, 5, 6, 2, 0, tzinfo=UTC),
                        end_dt=datetime(2020, 5, 6, 3, 0, tzinfo=UTC))  # fmt: skip
    tomorrow = today_in("Asia/Seoul") + timedelta(days=1)
    due = add_follow_up(past, kim, "回复函件", due=tomorrow)
    add_follow_up(past, kim, "准备年度报告", due=tomorrow + timedelta(days=30))
    assert enqueue_reminders_job(smtp_app)["follow_ups"] == 1
    assert enqueue_reminders_job(smtp_app)["follow_ups"] == 0
    with smtp_app.app_context():
        deliver_due()
    [mail] = [m for m in smtp_server.messages if m.rcpt_tos == (kim.email,)]
    assert mail.message["Subject"].endswith(": 回复函件")
    assert mail.message["To"] == "김민지 <minji.kim@example.kr>"
    html = mail.message.get_body(("html",)).get_content()
    link = f"{smtp_app.config['BASE_URL'].rstrip('/')}/follow-ups/{due.id}/edit"
    assert f'<a href="{link}">후속 조치 열기</a>' in html
    assert "<td>回复函件</td>" in html


def _scratch_app(url):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    return app


def _fill(app, how_many: int) -> None:
    from scheduler.auth.services import create_user
    from scheduler.meetings.services import create_meeting

    with app.app_context():
        owner = create_user("owner@example.cn", "correct horse battery", "coordinator")
        start = datetime(2020, 5, 6, 2, 0, tzinfo=UTC)
        values = {"kind": "video_link", "title_zh": "视频连线", "start_dt": start,
                  "end_dt": start + timedelta(hours=1), "timezone": "Asia/Shanghai"}  # fmt: skip
        meeting = create_meeting(owner, values, [])
        for n in range(how_many):
            add_follow_up(meeting, owner, f"事项{n}", due=today_in("Asia/Shanghai"))
        db.session.remove()


def test_two_job_runs_at_once_never_remind_twice(scratch_database_url):
    app = _scratch_app(scratch_database_url)
    _fill(app, 30)
    barrier = threading.Barrier(2)
    sent, errors = [], []

    def run():
        barrier.wait()
        try:
            sent.append(enqueue_reminders_job(app)["follow_ups"])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        subjects = outbox_rows(KIND)
        subjects = [row.subject for row in subjects]
        unsent = db.session.scalar(
            sa.select(sa.func.count()).where(FollowUp.reminder_sent_at.is_(None))
        )
        db.session.remove()
        db.engine.dispose()
    assert errors == []
    assert sum(sent) == 30 and len(subjects) == 30 and len(set(subjects)) == 30
    assert unsent == 0


def test_user_text_is_escaped_in_the_html_mail_and_kept_on_one_subject_line(app, meeting, kim):
    add_follow_up(meeting, kim, title="<b>签约</b> & 备忘录\r\nBcc: x@example.org")
    _run(app, REMIND_SEOUL)
    [row] = outbox_rows(KIND)
    message = _message(row)
    assert message["Bcc"] is None
    assert message["Subject"].endswith(": <b>签约</b> & 备忘录 Bcc: x@example.org")
    html = message.get_body(("html",)).get_content()
    assert "<td>&lt;b&gt;签约&lt;/b&gt; &amp; 备忘录\r\nBcc: x@example.org</td>" in html
