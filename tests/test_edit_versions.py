"""Edits carry the version they started from (issue 18, item 4): a form opened on an older
version of a meeting gets a 409 page showing what changed, in the reader's language; a
missing or tampered version is refused; nothing is saved in either case. And one person's
invites for one calendar UID leave in the order they were queued."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.invites.outbox.models import OutboxMessage
from tests.test_meetings import _form
from tests.test_outbox import (
    _deliver,
    _message,
    smtp_app,  # noqa: F401 - the SMTP-delivering app fixture
)

STALE = {
    "en": ("Changed since you opened the form", "Field", "Yours", "Saved now",
           "Reload with the saved values"),
    "zh": ("打开表单后已被修改", "项目", "您的内容", "当前已保存", "按已保存内容重新加载"),
    "ko": ("양식을 연 뒤 변경됨", "항목", "입력하신 내용", "현재 저장된 내용",
           "저장된 내용으로 다시 불러오기"),
}  # fmt: skip
NOTICE = {
    "en": "Someone else changed this meeting after you opened the form. "
    "Nothing of yours was saved.",
    "zh": "您打开表单后，他人已修改了此会议。您的修改均未保存。",
    "ko": "양식을 여신 뒤 다른 사람이 이 회의를 변경했습니다. 입력하신 내용은 저장되지 않았습니다.",
}
# Field: yours / saved now (the stale form kept the old times and changed the title).
CHANGES = {
    "en": [("Title (Chinese)", "改了标题", "长春—首尔视频连线"),
           ("Start", "Tue, Dec 3 2:30 PM Changchun time", "Tue, Dec 3 3:00 PM Changchun time"),
           ("End", "Tue, Dec 3 4:00 PM Changchun time", "Tue, Dec 3 4:30 PM Changchun time")],
    "zh": [("开始", "12月3日（周二）14:30（北京时间）", "12月3日（周二）15:00（北京时间）"),
           ("结束", "12月3日（周二）16:00（北京时间）", "12月3日（周二）16:30（北京时间）")],
    "ko": [("시작", "12월 3일(화) 14:30(중국 시간)", "12월 3일(화) 15:00(중국 시간)"),
           ("종료", "12월 3일(화) 16:00(중국 시간)", "12월 3일(화) 16:30(중국 시간)")],
}  # fmt: skip
BAD_VERSION = (
    "The form does not say which version of the meeting it was opened on. "
    "Reload the page and try again."
)


def _rows(html: str) -> list[tuple[str, str, str]]:
    table = html.split('id="stale-changes"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', table)
    return [tuple(cell.replace("&#34;", '"') for cell in row) for row in found]


def test_the_edit_form_carries_the_version_it_was_opened_on(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator")
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert '<input id="version" name="version" type="hidden" value="1">' in page
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert detail.count('<input type="hidden" name="version" value="1">') == 1  # "held"
    for action in ("confirm", "tentative", "cancel", "postpone"):  # through their confirmation
        asked = client.get(f"/meetings/{meeting.id}/{action}").get_data(as_text=True)
        assert asked.count('<input type="hidden" name="version" value="1">') == 1


@pytest.mark.parametrize("lang", ["en", "zh", "ko"])
def test_a_form_opened_before_someone_saved_gets_409_with_what_changed(
    auth, client, make_meeting, lang
):
    meeting = make_meeting()
    auth.login("coordinator", locale=lang)
    first = client.post(f"/meetings/{meeting.id}/edit",
                        data=_form(start_local="2030-12-03T15:00", end_local="2030-12-03T16:30",
                                   version="1"))  # fmt: skip
    assert first.status_code == 302
    stale = client.post(f"/meetings/{meeting.id}/edit",
                        data=_form(title_zh="改了标题", version="1"))  # fmt: skip
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    heading, field, yours, saved, reload = STALE[lang]
    assert f'<h1 class="h3 mb-3">{heading}</h1>' in html
    assert f'<th scope="col">{field}</th><th scope="col">{yours}</th>' in html
    assert f'<th scope="col">{saved}</th>' in html
    assert NOTICE[lang] in html
    assert (
        f'<a class="btn btn-primary" id="stale-reload" href="/meetings/{meeting.id}/edit">'
        f"{reload}</a>"
    ) in html
    rows = _rows(html)
    if lang != "en":  # the title row's label is the catalog's (checked in English)
        rows = [row for row in rows if row[1] != "改了标题"]
    assert rows == CHANGES[lang]
    assert (meeting.title_zh, meeting.version, meeting.sequence) == ("长春—首尔视频连线", 2, 1)
    assert meeting.start_dt == datetime(2030, 12, 3, 7, 0, tzinfo=UTC)


def _edit(client, meeting, **fields):
    return client.post(f"/meetings/{meeting.id}/edit", data=_form(**fields))


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.0", "１", " 1e3", "9" * 12])
def test_a_missing_or_tampered_version_is_refused_and_changes_nothing(
    auth, client, make_meeting, version
):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    fields = {} if version is None else {"version": version}
    response = _edit(client, meeting, title_zh="改了标题", **fields)
    assert response.status_code == 400
    assert BAD_VERSION in response.get_data(as_text=True)
    assert (meeting.title_zh, meeting.version, meeting.sequence) == ("中韩视频连线", 1, 0)


def test_a_version_from_the_future_is_stale_too(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    response = _edit(client, meeting, title_zh="改了标题", version="7")
    assert response.status_code == 409
    assert (meeting.title_zh, meeting.version) == ("中韩视频连线", 1)


def test_the_current_version_saves_and_moves_the_version_on(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    assert _edit(client, meeting, title_zh="第一次", version="1").status_code == 302
    assert _edit(client, meeting, title_zh="第二次", version="2").status_code == 302
    assert (meeting.title_zh, meeting.version) == ("第二次", 3)


def test_a_status_button_pressed_on_an_older_version_gets_409(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    assert _edit(client, meeting, start_local="2030-12-03T15:00", version="1").status_code == 302
    response = client.post(f"/meetings/{meeting.id}/confirm", data={"version": "1"})
    assert response.status_code == 409
    assert _rows(response.get_data(as_text=True)) == [
        ("Status", "Confirmed", "Draft"),
        ("Start", "—", "Tue, Dec 3 3:00 PM Changchun time"),
    ]
    assert (meeting.status, meeting.version) == ("draft", 2)
    cancel = {"version": "1", "reason": "台风停航"}
    assert client.post(f"/meetings/{meeting.id}/cancel", data=cancel).status_code == 409
    assert client.post(f"/meetings/{meeting.id}/confirm", data={}).status_code == 400
    assert client.post(f"/meetings/{meeting.id}/confirm", data={"version": "x"}).status_code == 400
    assert (meeting.status, meeting.sequence) == ("draft", 1)
    assert client.post(f"/meetings/{meeting.id}/confirm", data={"version": "2"}).status_code == 302
    assert (meeting.status, meeting.sequence, meeting.version) == ("confirmed", 2, 3)


def test_a_stale_series_occurrence_form_gets_409(auth, client, db, make_meeting):
    from tests.test_series import _create

    auth.login("coordinator", locale="en")
    series = _create(client, db)
    second = series.meetings[1]
    url = f"/meetings/series/{series.id}/occurrences/{second.id}/cancel"
    assert _edit(client, second, title_zh="单独修改", version="1").status_code == 302
    response = client.post(url, data={"version": "1", "scope": "one", "reason": "추석 연휴"})
    assert response.status_code == 409
    assert second.status == "draft"
    following = f"/meetings/series/{series.id}/occurrences/{second.id}/following"
    page = client.get(following).get_data(as_text=True)
    assert '<input id="version" name="version" type="hidden" value="2">' in page


def _invite(sequence: int, to="kim@seoul.example.kr"):
    message = _message(to=to, subject=f"SEQUENCE {sequence}")
    return message


def test_one_persons_invites_for_one_uid_leave_in_the_order_queued(smtp_app, db, smtp_server):  # noqa: F811
    from scheduler.db import now_utc
    from scheduler.invites.outbox.delivery import enqueue

    older = enqueue(_invite(1), kind="invite_request", calendar_uid="uid-1")
    enqueue(_invite(2), kind="invite_request", calendar_uid="uid-1")
    enqueue(_invite(1, to="lee@busan.example.kr"), kind="invite_request", calendar_uid="uid-1")
    enqueue(_invite(9), kind="invite_request", calendar_uid="uid-other")
    older.next_attempt_at = now_utc() + timedelta(minutes=5)  # waiting for a retry
    db.session.commit()
    assert _deliver(smtp_app)["sent"] == 2  # not SEQUENCE 2 while SEQUENCE 1 waits
    sent = [(m.rcpt_tos[0], m.message["Subject"]) for m in smtp_server.messages]
    assert sorted(sent) == [("kim@seoul.example.kr", "SEQUENCE 9"),
                            ("lee@busan.example.kr", "SEQUENCE 1")]  # fmt: skip
    assert _deliver(smtp_app, now_utc() + timedelta(minutes=6))["sent"] == 2
    sent = [(m.rcpt_tos[0], m.message["Subject"]) for m in smtp_server.messages[2:]]
    assert sent == [("kim@seoul.example.kr", "SEQUENCE 1"), ("kim@seoul.example.kr", "SEQUENCE 2")]
    statuses = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id))
    assert list(statuses) == ["sent"] * 4


def test_a_failed_invite_does_not_hold_the_later_ones_back(smtp_app, db, smtp_server):  # noqa: F811
    from scheduler.invites.outbox.delivery import enqueue

    older = enqueue(_invite(1), kind="invite_request", calendar_uid="uid-1")
    enqueue(_invite(2), kind="invite_request", calendar_uid="uid-1")
    older.status = "failed"
    db.session.commit()
    assert _deliver(smtp_app)["sent"] == 1
    assert [m.message["Subject"] for m in smtp_server.messages] == ["SEQUENCE 2"]


def test_a_lost_race_outside_a_form_page_is_a_409_never_a_500(outage_app):
    """A view without the form's 409 page (a whole-series button, say) whose UPDATE finds
    the row changed by another request gets the translated 409 page, and keeps nothing."""
    from datetime import UTC, datetime, timedelta

    from flask import Blueprint
    from sqlalchemy.orm.attributes import set_committed_value

    from scheduler.auth.models import User
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting
    from scheduler.meetings.services import create_meeting
    from tests.outage_support import sign_in

    with outage_app.app_context():
        organizer = db.session.scalar(sa.select(User))
        start = datetime(2031, 1, 6, 1, 0, tzinfo=UTC)
        data = {"kind": "video_link", "title_zh": "会谈", "start_dt": start,
                "end_dt": start + timedelta(hours=1)}  # fmt: skip
        meeting_id = create_meeting(organizer, data, []).id
        db.session.commit()
    bp = Blueprint("stale_probe", __name__, url_prefix="/stale-probe")

    @bp.post("/<int:meeting_id>")
    def lose(meeting_id):
        meeting = db.session.get(Meeting, meeting_id)
        set_committed_value(meeting, "version", 99)  # as if read before another request saved
        meeting.title_zh = "改了"
        db.session.flush()
        return "saved"

    outage_app.register_blueprint(bp)
    client = sign_in(outage_app)  # a Korean-speaking coordinator
    response = client.post(f"/stale-probe/{meeting_id}")
    assert response.status_code == 409
    assert NOTICE["ko"] in response.get_data(as_text=True)
    with outage_app.app_context():
        saved = db.session.get(Meeting, meeting_id)
        assert (saved.title_zh, saved.version) == ("会谈", 1)


def test_an_invite_overtaken_by_a_newer_one_is_not_sent_again(client, auth, db):
    from scheduler.invites.outbox.delivery import enqueue

    older = enqueue(_invite(1), kind="invite_request", calendar_uid="uid-1")
    newer = enqueue(_invite(2), kind="invite_request", calendar_uid="uid-1")
    other = enqueue(_invite(1, to="lee@busan.example.kr"), kind="invite_request",
                    calendar_uid="uid-1")  # fmt: skip
    for row in (older, other):
        row.status = "failed"
    newer.status = "sent"
    db.session.commit()
    auth.login("coordinator", locale="ko")
    response = client.post(f"/outbox/{older.id}/resend")
    assert response.status_code == 409
    assert (
        "이후 이분께 이 회의의 더 새로운 초청이 발송 대기열에 올라갔습니다. "
        "이 메일을 다시 보내면 지난 내용이 표시됩니다."
    ) in response.get_data(as_text=True)
    assert older.status == "failed"
    assert client.post(f"/outbox/{other.id}/resend").status_code == 302  # the latest for Lee
    assert other.status == "pending"
