"""Reminders to the people asked who have not answered (by hand, by the job, by the CLI),
the closing-date notice to staff, and the notes after a poll closes or is withdrawn: their
exact text in Chinese and Korean, counts, once-only sending and refusals."""

import re
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.jobs import add_jobs, poll_notices_job
from tests.invites_support import decoded_header, outbox_rows
from tests.polls_support import answer_path, invitee_of, plain_text, propose, the_poll

LINK = re.compile(r"https?://\S+/polls/\S+")


@pytest.fixture
def poll(client, auth, draft):
    auth.login(locale="en")
    assert propose(client, draft).status_code == 302
    return the_poll(draft)


def _answer(client, app, poll, participant_id, choices):
    path = answer_path(app, invitee_of(poll, participant_id))
    data = {f"choice-{c.id}": v for c, v in zip(poll.candidates, choices, strict=True)}
    assert client.post(path, data=data).status_code == 302


def _post(client, draft, poll, action: str, **data):
    return client.post(f"/meetings/{draft['meeting_id']}/polls/{poll.id}/{action}", data=data)


def _mail(kind: str, recipient: str) -> tuple[str, str]:
    """The subject and plain text of the one queued message of *kind* to *recipient*."""
    [row] = [r for r in outbox_rows(kind) if r.recipient == recipient]
    return decoded_header(row.raw, "Subject"), plain_text(row.raw)


def _overrun(draft):
    """Let the closing date pass (as if days went by)."""
    poll = the_poll(draft)
    poll.closes_at = now_utc() - timedelta(hours=1)
    db.session.commit()


def test_reminding_by_hand_mails_each_one_who_has_not_answered(app, client, draft, poll):
    response = _post(client, draft, poll, "remind")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A reminder has been sent to 2 people who have not answered." in page
    subject, text = _mail("poll_reminder", draft["kim_email"])
    assert subject.endswith("[재안내] 회의 일정 조율 요청: 한중 화상회의")
    assert (
        "아래 후보 시간에 대한 회신을 아직 받지 못하였습니다. "
        "참석 가능한 시간을 알려 주시면 감사하겠습니다." in text
    )
    assert "1. 12월 10일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in text
    _first, request = _mail("poll_request", draft["kim_email"])
    assert LINK.findall(text) == LINK.findall(request) != []  # the same signed link
    subject, text = _mail("poll_reminder", draft["li_email"])
    assert subject.endswith("【提醒】会议时间征询：中韩视频连线")
    assert "我们尚未收到您对以下备选时间的回复，烦请告知哪些时间对您合适。" in text
    assert "2. 12月11日（周三）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）" in text
    assert all(i.reminded_at is not None for i in the_poll(draft).invitees)


def test_those_who_answered_are_not_reminded(app, client, draft, poll):
    _answer(client, app, poll, draft["li"], ["yes", "no", "yes"])
    response = _post(client, draft, poll, "remind")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A reminder has been sent to 1 person who has not answered." in page
    assert [r.recipient for r in outbox_rows("poll_reminder")] == [draft["kim_email"]]


@pytest.mark.parametrize("action", ["withdraw", "close"])
def test_reminding_a_poll_no_longer_open_is_refused(client, auth, draft, poll, action):
    assert _post(client, draft, poll, action, candidate=poll.candidates[0].id).status_code == 302
    auth.logout()
    auth.login(locale="zh")
    response = _post(client, draft, poll, "remind")
    assert response.status_code == 409
    assert "该时间征询已结束。" in response.get_data(as_text=True)
    assert outbox_rows("poll_reminder") == []


def test_reminding_after_the_closing_date_is_refused(client, auth, draft, poll):
    _overrun(draft)
    auth.logout()
    auth.login(locale="ko")
    response = _post(client, draft, poll, "remind")
    assert response.status_code == 409
    assert (
        "이 일정 조율은 마감일이 지났습니다. 시간을 확정하거나 일정 조율을 철회하세요."
        in response.get_data(as_text=True)
    )
    assert outbox_rows("poll_reminder") == []
    assert all(i.reminded_at is None for i in the_poll(draft).invitees)


def test_reminding_needs_an_editor_and_a_poll_of_this_meeting(client, auth, draft, poll):
    assert client.post(f"/meetings/{draft['meeting_id']}/polls/999999/remind").status_code == 404
    assert client.post(f"/meetings/999999/polls/{poll.id}/remind").status_code == 404
    auth.logout()
    auth.login(role="viewer")
    assert _post(client, draft, poll, "remind").status_code == 403
    assert outbox_rows("poll_reminder") == []


def test_the_job_reminds_each_person_once_when_closing_is_near(
    app, client, draft, poll, monkeypatch
):
    assert poll_notices_job(app) == {"reminders": 0, "closing_notices": 0}  # closes in 2030
    monkeypatch.setitem(app.config, "POLL_REMINDER_DAYS", 3650)
    assert poll_notices_job(app) == {"reminders": 2, "closing_notices": 0}
    assert poll_notices_job(app) == {"reminders": 0, "closing_notices": 0}
    assert sorted(r.recipient for r in outbox_rows("poll_reminder")) == sorted(
        [draft["kim_email"], draft["li_email"]]
    )
    subject, _text = _mail("poll_reminder", draft["kim_email"])
    assert subject.endswith("[재안내] 회의 일정 조율 요청: 한중 화상회의")


def test_the_job_leaves_out_those_answered_or_reminded_by_hand(
    app, client, draft, poll, monkeypatch
):
    _answer(client, app, poll, draft["li"], ["yes", "yes", "no"])
    assert _post(client, draft, poll, "remind").status_code == 302
    monkeypatch.setitem(app.config, "POLL_REMINDER_DAYS", 3650)
    assert poll_notices_job(app) == {"reminders": 0, "closing_notices": 0}
    assert len(outbox_rows("poll_reminder")) == 1


def test_staff_hear_once_that_the_closing_date_passed(app, client, auth, draft, poll):
    _answer(client, app, poll, draft["li"], ["yes", "if_need_be", "no"])
    _overrun(draft)
    assert poll_notices_job(app) == {"reminders": 0, "closing_notices": 1}
    assert poll_notices_job(app) == {"reminders": 0, "closing_notices": 0}
    rows = outbox_rows("poll_overdue")
    creator = the_poll(draft).created_by.email
    assert sorted(r.recipient for r in rows) == sorted([creator, draft["organizer"].email])
    subject, text = _mail("poll_overdue", draft["organizer"].email)
    assert subject.endswith("时间征询已过截止日期：中韩视频连线")
    assert "“中韩视频连线”的时间征询已过截止日期，目前仍在进行中。" in text
    assert "征询对象共2人，已回复1人。" in text
    assert (
        "1. 12月10日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）："
        "可以1人，可调整0人，不行0人" in text
    )
    assert f"/meetings/{draft['meeting_id']}#poll" in text
    _subject, text = _mail("poll_overdue", creator)
    assert "1 of 2 people asked have answered." in text
    assert "3. Thu, Dec 12" in text and ": yes 0, if need be 0, no 1" in text


NOTES = {
    "close": ("poll_closed", "poll_withdrawn", {
        "kim": ("회의 일시 확정 안내: 한중 화상회의", [
            "일정 조율에 협조해 주셔서 감사합니다.",
            "회의 일시가 확정되었습니다: 12월 11일(수) 11:00~12:00(한국 시간) / "
            "10:00~11:00(중국 시간). 초청 메일을 별도로 보내 드리겠습니다.",
        ]),
        "li": ("会议时间已确定：中韩视频连线", [
            "感谢您对会议时间征询的支持与配合。",
            "会议时间已确定：12月11日（周三）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）。"
            "会议邀请将另行通过电子邮件发送。",
        ]),
    }),
    "withdraw": ("poll_withdrawn", "poll_closed", {
        "kim": ("일정 조율 철회 안내: 한중 화상회의", [
            "이번 일정 조율은 철회되었습니다. 회신하지 않으셔도 됩니다.\n"
            "새로운 일정은 추후 다시 안내해 드리겠습니다. 양해하여 주시기 바랍니다.",
        ]),
        "li": ("会议时间征询撤回通知：中韩视频连线", [
            "本次时间征询已撤回，无需回复。\n新的会议时间将另行通知，敬请谅解。",
        ]),
    }),
}  # fmt: skip


@pytest.mark.parametrize("action", NOTES)
def test_each_person_asked_gets_a_note_when_the_poll_ends(client, draft, poll, action):
    kind, not_sent, notes = NOTES[action]
    assert _post(client, draft, poll, action, candidate=poll.candidates[1].id).status_code == 302
    for person, (subject_end, fragments) in notes.items():
        subject, text = _mail(kind, draft[f"{person}_email"])
        assert subject.endswith(subject_end)
        assert [f for f in fragments if f not in text] == []
    assert outbox_rows(not_sent) == []


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["polls", *map(str, args)])


def test_the_cli_lists_the_polls(app, client, draft, poll):
    _answer(client, app, poll, draft["kim"], ["yes", "yes", "no"])
    header = "  ID  STATUS     CLOSES ON   ANSWERED  MEETING"
    line = f"{poll.id:>4}  open       2030-12-05       1/2  中韩视频连线"
    assert _cli(app, "list").output == f"{header}\n{line}\n"
    assert _cli(app, "list", "--open").output == f"{header}\n{line}\n"
    assert _post(client, draft, poll, "withdraw").status_code == 302
    assert _cli(app, "list", "--open").output == "No open time polls.\n"
    assert "  withdrawn  2030-12-05" in _cli(app, "list").output


def test_the_cli_reminds_and_refuses_bad_input(app, client, draft, poll):
    result = _cli(app, "remind", poll.id)
    assert (result.exit_code, result.output) == (0, "Reminded 2 people.\n")
    assert len(outbox_rows("poll_reminder")) == 2
    unknown = _cli(app, "remind", 999999)
    assert (unknown.exit_code, unknown.output) == (1, "Error: no time poll has the id 999999\n")
    assert _cli(app, "remind", "abc").exit_code == 2
    assert _post(client, draft, poll, "withdraw").status_code == 302
    closed = _cli(app, "remind", poll.id)
    assert (closed.exit_code, closed.output) == (1, "Error: This time poll is no longer open.\n")
    assert len(outbox_rows("poll_reminder")) == 2


def test_the_scheduler_runs_the_poll_job_every_minute(app):
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    job = scheduler.get_job("poll-notices")
    assert (job.func.__name__, job.trigger.interval) == ("poll_notices_job", timedelta(seconds=60))
