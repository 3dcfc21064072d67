"""Recent changes on the dashboard: a series operation is one line saying what changed, and
titles are in the reader's language."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.meetings.series.models import MeetingSeries
from scheduler.partners.services import get_partner
from tests.follow_up_support import add_follow_up

SERIES_FORM = {
    "kind": "video_link", "title_zh": "长春—首尔例会", "title_ko": "창춘-서울 정례회의",
    "timezone": "Asia/Shanghai", "start_local": "2030-09-03T14:30",
    "end_local": "2030-09-03T16:00", "room_id": "0", "host_side": "cn", "pattern": "weekly",
    "interval": "1", "weekdays": ["TU"], "month_day": "1", "week_of_month": "1",
    "month_weekday": "MO", "ends": "count", "count": "5", "until": "",
}  # fmt: skip


def _lines(html: str) -> list[list[str]]:
    """Each row of recent changes as [action, object, changes], as a reader sees them."""
    table = html.split('id="recent-changes"', 1)[1].split("</table>", 1)[0]
    rows = []
    for body in re.findall(r'<tr id="change-\d+">(.*?)</tr>', table, re.S):
        cells = dict(re.findall(r'<td class="(\w+)">(.*?)</td>', body, re.S))
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cells[name]).split())
                     for name in ("action", "object", "fields")])  # fmt: skip
    return rows


@pytest.fixture
def series(auth, client, db):
    """Five weekly video links made and then all confirmed by a coordinator."""
    auth.login("coordinator", locale="zh")
    form = {**SERIES_FORM, "partners": [str(get_partner("seoul").id)]}
    assert client.post("/meetings/series/new", data=form).status_code == 302
    made = db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id.desc())).first()
    assert client.post(f"/meetings/series/{made.id}/confirm").status_code == 302
    return made


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh", [["修改", "定期会议「长春—首尔例会」的 5 场会议", "状态"],
                ["新建", "定期会议「长春—首尔例会」的 5 场会议", ""]]),
        ("ko", [["수정", "“창춘-서울 정례회의” 정기 회의 5개 회차", "상태"],
                ["생성", "“창춘-서울 정례회의” 정기 회의 5개 회차", ""]]),
    ],
)  # fmt: skip
def test_a_series_operation_is_one_line(auth, client, series, locale, expected):
    auth.logout()
    auth.login("coordinator", locale=locale)
    html = client.get("/").get_data(as_text=True)
    assert _lines(html)[:2] == expected
    assert html.count(f'<a href="/meetings/series/{series.id}">') == 2


def test_single_changes_say_what_changed_with_titles_in_the_readers_language(
    auth, client, db, make_meeting
):
    me = auth.login("coordinator", locale="ko")
    meeting = make_meeting(title_zh="首尔视频连线", title_ko="서울 화상회의")
    db.session.refresh(meeting)  # loaded, so the audit sees the before values
    meeting.tech_check_minutes, meeting.title_en = 45, "Seoul video link"
    db.session.flush()
    add_follow_up(meeting, me, "寄送合作备忘录草案")
    html = client.get("/").get_data(as_text=True)
    assert _lines(html)[:3] == [
        ["생성", "후속 조치 寄送合作备忘录草案", ""],
        ["수정", "회의 서울 화상회의", "제목(영어, 선택), 사전 기술 점검(시작 전 분)"],
        ["생성", "회의 서울 화상회의", ""],
    ]
    assert f'<a href="/meetings/{meeting.id}">서울 화상회의</a>' in html


def test_the_admins_overdue_link_opens_everyones_overdue_actions(auth, client, make_meeting,
                                                                 make_user):  # fmt: skip
    start = datetime(2020, 5, 1, 2, 0, tzinfo=UTC)
    meeting = make_meeting(start_dt=start, end_dt=start + timedelta(hours=1))
    owner = make_user("coordinator", name_zh="张伟")
    late = add_follow_up(meeting, owner, "寄送会议纪要", date(2020, 6, 1))
    auth.login("admin", locale="zh")
    html = client.get("/").get_data(as_text=True)
    link = '<a href="/follow-ups/?who=all&amp;overdue=1">全部逾期跟进事项</a>'
    assert link in html
    listing = client.get("/follow-ups/?who=all&overdue=1").get_data(as_text=True)
    assert f'id="follow-up-{late.id}"' in listing and "寄送会议纪要" in listing
