"""Calendar pages: days in the viewer's zone, both clocks, filters, holidays, constant queries."""

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from scheduler.availability.services import check_override, set_override
from scheduler.extensions import db as _db
from scheduler.meetings import services

LATE = {"start_dt": datetime(2026, 9, 10, 15, 30, tzinfo=UTC),  # 23:30 Changchun, 00:30 Seoul
        "end_dt": datetime(2026, 9, 10, 15, 50, tzinfo=UTC)}  # fmt: skip


def _cell(page: str, day: str) -> str:
    """The inside of the month/week/agenda element marked with data-date=*day*."""
    match = re.search(rf'data-date="{day}"[^>]*>(.*?)</(td|section)>', page, re.S)
    assert match, f"no cell for {day}"
    return html.unescape(match.group(1))


def _text(fragment: str) -> str:
    """What a reader sees: tags removed, white space collapsed, a full-width colon as ': '
    (the catalogs may punctuate "%(country)s: %(holiday)s" either way)."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).replace("：", ": ").split())


def _seen(page: str, day: str) -> str:
    """The text of one day's cell."""
    return _text(_cell(page, day))


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_signed_out_visitors_go_to_the_login_page(client):
    response = client.get("/calendar/month?date=2026-09-01")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/calendar/month")


def test_calendar_root_redirects_to_the_month(auth, client):
    auth.login("viewer")
    response = client.get("/calendar/?date=2026-09-01&kind=forum")
    assert response.status_code == 302
    assert response.location == "/calendar/month?date=2026-09-01&kind=forum"


def test_late_meeting_in_changchun_is_next_day_in_seoul(auth, client, make_meeting):
    make_meeting(title_zh="深夜连线", title_ko="심야 화상회의", **LATE)
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    page = _page(client, "/calendar/month?date=2026-09-01")
    assert "심야 화상회의" not in _seen(page, "2026-09-10")
    assert "00:30~00:50 심야 화상회의" in _seen(page, "2026-09-11")
    assert "2026년 9월 11일(금)" in page  # the day's accessible name, with its year
    headers = re.findall(r'<th scope="col">(.+?)</th>', page)
    assert headers == ["월", "화", "수", "목", "금", "토", "일"]


def test_changchun_viewer_sees_the_same_meeting_on_its_own_day(auth, client, make_meeting):
    make_meeting(title_zh="深夜连线", title_ko="심야 화상회의", **LATE)
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    page = _page(client, "/calendar/month?date=2026-09-01")
    assert "23:30–23:50 深夜连线" in _seen(page, "2026-09-10")
    assert "深夜连线" not in _seen(page, "2026-09-11")
    assert "2026年9月" in page
    both = _page(client, "/calendar/month?date=2026-09-01&clock=both")
    seoul_next_day = "23:30–23:50 / 9月11日（周五）00:30–00:50（首尔时间） 深夜连线"
    assert seoul_next_day in _seen(both, "2026-09-10")


def test_english_grid_for_a_seoul_viewer(auth, client, make_meeting):
    make_meeting(title_zh="深夜连线", title_ko="심야 화상회의", title_en="Late call", **LATE)
    auth.login("viewer", locale="en", timezone="Asia/Seoul")
    page = _page(client, "/calendar/month?date=2026-09-15&clock=both")
    cell = " ".join(_seen(page, "2026-09-11").split())
    assert "12:30 AM–12:50 AM / Thu, Sep 10 11:30 PM–11:50 PM Changchun time Late call" in cell
    assert "September 2026" in page
    assert re.findall(r'<th scope="col">(.+?)</th>', page)[0] == "Mon"
    assert 'data-date="2026-08-31"' in page and 'data-date="2026-10-04"' in page  # full weeks


def test_week_and_agenda_views_place_by_viewer_zone(auth, client, make_meeting):
    make_meeting(title_zh="深夜连线", title_ko="심야 화상회의", **LATE)
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    week = _page(client, "/calendar/week?date=2026-09-09")
    assert "심야 화상회의" in _seen(week, "2026-09-11")
    assert "2026년 9월 7일~13일" in week
    assert 'href="/calendar/week?date=2026-09-02"' in week  # previous
    assert 'href="/calendar/week?date=2026-09-16"' in week  # next
    agenda = _page(client, "/calendar/agenda?date=2026-09-10&days=2&clock=both")
    cell = _seen(agenda, "2026-09-11")
    assert "00:30~00:50 / 9월 10일(목) 23:30~23:50(중국 시간) 심야 화상회의" in cell
    assert "2026년 9월 11일(금)" in cell
    assert 'href="/calendar/agenda?date=2026-09-12&amp;clock=both&amp;days=2"' in agenda


def test_month_navigation_links(auth, client):
    auth.login("viewer", locale="en")
    page = _page(client, "/calendar/month?date=2026-03-31&partner=seoul")
    assert 'href="/calendar/month?date=2026-02-01&amp;partner=seoul"' in page
    assert 'href="/calendar/month?date=2026-04-01&amp;partner=seoul"' in page
    assert 'href="/calendar/month?partner=seoul"' in page  # today


def test_today_is_marked_for_assistive_technology(auth, client):
    auth.login("viewer", timezone="Asia/Seoul")
    today = datetime.now(ZoneInfo("Asia/Seoul")).date().isoformat()
    page = _page(client, "/calendar/month")
    assert re.search(rf'data-date="{today}"\s+aria-current="date"', page)
    assert page.count('aria-current="date"') == 1


def test_holidays_of_both_countries_with_localized_names(auth, client):
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    page = _page(client, "/calendar/month?date=2026-09-01")
    mid_autumn = _seen(page, "2026-09-25")
    assert "中国: 中秋节" in mid_autumn
    assert "韩国: 中秋节 (추석)" in mid_autumn
    assert "中国: 调休上班日（2026-10-06 休息）" in _seen(page, "2026-09-20")
    assert "cal-makeup_workday" in _cell(page, "2026-09-20")
    assert "韩国: 中秋节前一天 (추석 전날)" in _seen(page, "2026-09-24")
    assert "cal-mark" not in _cell(page, "2026-09-23")


def test_holiday_names_for_korean_and_english_readers(auth, client):
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    cell = _seen(_page(client, "/calendar/week?date=2026-09-25"), "2026-09-25")
    assert "중국: 중추절 (中秋节)" in cell
    assert "한국: 추석" in cell and "한국: 추석 (" not in cell
    client.post("/language", data={"lang": "en"})
    cell = _seen(_page(client, "/calendar/agenda?date=2026-09-25&days=1"), "2026-09-25")
    assert "China: Mid-Autumn Festival (中秋节)" in cell
    assert "Korea: Chuseok (추석)" in cell


def test_holiday_overrides_win(auth, client, db):
    set_override(check_override("KR", "2026-09-23", "holiday", {"ko": "임시공휴일", "zh": ""}))
    set_override(check_override("CN", "2026-09-20", "workday", {}))
    db.session.commit()
    auth.login("viewer", locale="zh")
    page = _page(client, "/calendar/month?date=2026-09-01")
    assert "韩国: 임시공휴일" in _seen(page, "2026-09-23")
    assert "调休上班日（2026-10-06 休息）" not in _seen(page, "2026-09-20")
    assert "中国: 调休上班日" in _seen(page, "2026-09-20")


def test_cancelled_meetings_stay_listed_struck_through(auth, client, make_meeting, db):
    meeting = make_meeting(title_zh="取消的会议", start_dt=datetime(2030, 12, 3, 6, 30, tzinfo=UTC))
    services.cancel(meeting, "台风")
    db.session.commit()
    auth.login("viewer", locale="zh")
    cell = _cell(_page(client, "/calendar/month?date=2030-12-01"), "2030-12-03")
    assert re.search(r"<s><span class=\"cal-time\">14:30–16:00</span> <span class=\"cal-title\">"
                     r"取消的会议</span></s>", cell)  # fmt: skip
    assert f'href="/meetings/{meeting.id}"' in cell
    assert "cal-status-cancelled" in cell
    both = _seen(_page(client, "/calendar/week?date=2030-12-03&clock=both"), "2030-12-03")
    assert "14:30–16:00 / 15:30–17:00（首尔时间） 取消的会议" in both


def _three_meetings(make_meeting):
    day = {"start_dt": datetime(2030, 11, 5, 1, 0, tzinfo=UTC),
           "end_dt": datetime(2030, 11, 5, 2, 0, tzinfo=UTC)}  # fmt: skip
    make_meeting(title_zh="首尔视频", partners=("seoul",), **day)
    make_meeting(title_zh="釜山论坛", kind="forum", partners=("busan",), **day)
    signing = make_meeting(title_zh="签约仪式", kind="signing", partners=("busan", "seoul"), **day)
    services.confirm(signing)
    _db.session.commit()


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("partner=seoul", ["首尔视频", "签约仪式"], ["釜山论坛"]),
        ("partner=busan&kind=forum", ["釜山论坛"], ["首尔视频", "签约仪式"]),
        ("status=confirmed", ["签约仪式"], ["首尔视频", "釜山论坛"]),
        ("status=draft&kind=video_link", ["首尔视频"], ["釜山论坛", "签约仪式"]),
        ("", ["首尔视频", "釜山论坛", "签约仪式"], []),
    ],
)
def test_filters(auth, client, make_meeting, query, shown, hidden):
    _three_meetings(make_meeting)
    auth.login("viewer", locale="zh")
    for view in ("month", "week", "agenda"):
        cell = _seen(_page(client, f"/calendar/{view}?date=2030-11-05&{query}"), "2030-11-05")
        assert all(title in cell for title in shown), (view, query)
        assert not any(title in cell for title in hidden), (view, query)


def test_agenda_lists_partners_kind_and_a_download(auth, client, make_meeting):
    _three_meetings(make_meeting)
    auth.login("viewer", locale="en")
    cell = " ".join(_cell(_page(client, "/calendar/agenda?date=2030-11-05&days=1"),
                          "2030-11-05").split())  # fmt: skip
    assert "MOU or agreement signing" in cell and "Confirmed" in cell
    assert "Seoul, Busan" in cell
    assert re.search(r'href="/meetings/\d+\.ics">Download \.ics</a>', cell)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=party", 'Unknown kind of meeting "party".'),
        ("status=maybe", 'Unknown meeting status "maybe".'),
        ("date=2026-02-30", '"2026-02-30" is not a date. Use YYYY-MM-DD'),
        ("date=tomorrow", '"tomorrow" is not a date.'),
        ("date=1899-01-01", "Use a date between 2000 and 2099."),
        ("clock=third", 'Unknown clock setting "third". Use "own" or "both".'),
    ],
)
def test_bad_query_values_are_refused(auth, client, query, message):
    auth.login("viewer", locale="en")
    for view in ("month", "week", "agenda"):
        page = html.unescape(_page(client, f"/calendar/{view}?{query}", status=400))
        assert message in page


@pytest.mark.parametrize("days", ["0", "93", "ten", "-1"])
def test_agenda_length_is_checked(auth, client, days):
    auth.login("viewer", locale="en")
    page = _page(client, f"/calendar/agenda?days={days}", status=400)
    assert "Show between 1 and 92 days." in page


def test_unknown_partner_is_not_found(auth, client):
    auth.login("viewer")
    assert client.get("/calendar/month?partner=atlantis").status_code == 404
    assert client.get("/calendar/week?partner=atlantis").status_code == 404


def test_filter_by_a_merged_partner_includes_its_predecessors(auth, client, make_meeting):
    march = {"start_dt": datetime(2026, 3, 3, 1, tzinfo=UTC),
             "end_dt": datetime(2026, 3, 3, 2, tzinfo=UTC)}  # fmt: skip
    make_meeting(title_zh="光州会议", partners=("gwangju",), **march)
    make_meeting(title_zh="首尔会议", partners=("seoul",), **march)
    auth.login("viewer", locale="zh")
    page = _page(client, "/calendar/month?date=2026-03-01&partner=jeonnam-gwangju")
    assert "光州会议" in _seen(page, "2026-03-03")
    assert "首尔会议" not in page
    page = _page(client, "/calendar/month?date=2026-03-01&partner=gwangju")
    assert "光州会议" in _seen(page, "2026-03-03")


def _count_month_queries(client, app, month: str) -> int:
    statements = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        response = client.get(f"/calendar/month?date={month}&clock=both")
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    assert response.status_code == 200
    return len(statements)


def _meetings_in(make_meeting, organizer, first_day: date, how_many: int) -> None:
    partners = (("seoul",), ("busan",), ("seoul", "incheon"))
    for n in range(how_many):
        start = datetime.combine(first_day + timedelta(days=n % 28), datetime.min.time(), UTC)
        start += timedelta(hours=1 + n % 8)
        make_meeting(organizer, partners[n % 3], title_zh=f"会议{n}", start_dt=start,
                     end_dt=start + timedelta(minutes=45))  # fmt: skip


def test_month_view_query_count_does_not_grow_with_meetings(
    auth, app, client, make_meeting, make_user
):
    organizer = make_user("coordinator")
    _meetings_in(make_meeting, organizer, date(2031, 1, 1), 5)
    _meetings_in(make_meeting, organizer, date(2031, 3, 1), 50)
    auth.login("viewer", locale="zh")
    few = _count_month_queries(client, app, "2031-01-01")
    many = _count_month_queries(client, app, "2031-03-01")
    assert few == many
    page = _page(client, "/calendar/month?date=2031-03-01")
    assert page.count('class="cal-entry ') == 50


def test_viewers_may_read_and_download(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("viewer")
    assert client.get("/calendar/agenda?date=2030-12-01").status_code == 200
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 200


def test_a_video_links_technical_check_shows_on_the_readers_clock(auth, client, make_meeting):
    make_meeting(title_zh="深夜连线", title_ko="심야 화상회의", **LATE)  # 30-minute check
    make_meeting(title_zh="签约仪式", title_ko="협약식", kind="signing", **LATE)
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    day = _seen(_page(client, "/calendar/week?date=2026-09-11"), "2026-09-11")
    assert "00:30~00:50 심야 화상회의 · 사전 기술 점검: 00:00" in day
    assert "협약식 · " not in day
    auth.logout()
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    month = _page(client, "/calendar/month?date=2026-09-01")
    assert '<span class="cal-tech-check"> · 技术调试：23:00</span>' in _cell(month, "2026-09-10")
