"""Month calendar: a delegation visit as one bar over its days (cut per week row), the legend,
and prev/next named for the month or week they move to."""

import re

import pytest

from scheduler.visits.models import Visit
from tests.visits_support import newest, visit_form

# December 2030 starts on a Sunday: the grid's rows are Nov 25–Dec 1, Dec 2–8, Dec 9–15 …
SPANNING = {"start_date": "2030-12-06", "end_date": "2030-12-10",
            "arrival_local": "2030-12-06T10:40", "departure_local": "2030-12-10T12:10"}  # fmt: skip


@pytest.fixture
def spanning_visit(auth, client, db):
    """An inbound visit from Seoul, Friday 6 to Tuesday 10 December 2030."""
    auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    response = client.post("/visits/new", data=visit_form(**SPANNING))
    assert response.status_code == 302, response.get_data(as_text=True)
    return newest(db, Visit)


def _band_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="cal-visit-row">(.*?)</tr>', page, re.S)


def _cells(row: str) -> list[str]:
    """Each cell of a band row as 'colspan:text' ('colspan:' for a gap)."""
    found = []
    for span, inside in re.findall(r'<td colspan="(\d)" class="[^"]*">(.*?)</td>', row, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", inside).split())
        found.append(f"{span}:{text}")
    return found


def test_a_visit_is_one_bar_per_week_row_over_its_days(client, spanning_visit):
    page = client.get("/calendar/month?date=2030-12-01").get_data(as_text=True)
    rows = _band_rows(page)
    assert [_cells(row) for row in rows] == [
        ["4:", "3:来访 首尔市代表团访问长春 (12月6日（周五） – 12月10日（周二）)"],
        ["2:来访 首尔市代表团访问长春 (12月6日（周五） – 12月10日（周二）)", "5:"],
    ]
    link = f'href="/visits/{spanning_visit.id}" data-visit-id="{spanning_visit.id}"'
    assert f'class="cal-visit cal-visit-inbound cal-visit-continues-after" {link}' in rows[0]
    assert f'class="cal-visit cal-visit-inbound cal-visit-continues-before" {link}' in rows[1]
    # The rows sit right above the weeks they belong to.
    assert page.index(rows[0]) < page.index('data-date="2030-12-02"')
    assert page.index('data-date="2030-12-08"') < page.index(rows[1])
    assert page.index(rows[1]) < page.index('data-date="2030-12-09"')


def test_overlapping_visits_take_separate_lanes_and_korean_titles_for_korean_readers(
    auth, client, spanning_visit
):
    day = {"start_date": "2030-12-09", "end_date": "2030-12-09",
           "arrival_local": "2030-12-09T08:00", "departure_local": "2030-12-09T20:00"}  # fmt: skip
    titles = {"title_zh": "赴釜山考察", "title_ko": "부산 시찰 방문"}
    other = visit_form(direction="outbound", **titles, **day)
    assert client.post("/visits/new", data=other).status_code == 302
    auth.logout()
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    page = client.get("/calendar/month?date=2030-12-01").get_data(as_text=True)
    assert [_cells(row) for row in _band_rows(page)] == [
        ["4:", "3:대표단 내방(방중) 서울시 대표단 창춘 방문 (12월 6일(금) – 12월 10일(화))"],
        ["2:대표단 내방(방중) 서울시 대표단 창춘 방문 (12월 6일(금) – 12월 10일(화))", "5:"],
        ["1:대표단 방한 부산 시찰 방문 (12월 9일(월) – 12월 9일(월))", "6:"],
    ]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("partner=seoul", True),
        ("partner=busan", False),
        ("kind=inbound_visit", True),
        ("kind=outbound_visit", False),
        ("kind=video_link", False),
        ("status=confirmed", False),
    ],
)
def test_visit_bars_follow_the_filters(client, spanning_visit, query, shown):
    page = client.get(f"/calendar/month?date=2030-12-01&{query}").get_data(as_text=True)
    assert bool(_band_rows(page)) is shown


def test_no_bars_outside_the_visit_and_none_on_the_week_page(client, spanning_visit):
    page = client.get("/calendar/month?date=2031-01-01").get_data(as_text=True)
    assert _band_rows(page) == []
    week = client.get("/calendar/week?date=2030-12-06").get_data(as_text=True)
    assert "cal-visit-row" not in week and 'id="calendar-legend"' in week


@pytest.mark.parametrize(
    ("locale", "legend"),
    [
        ("zh", "图例 草稿 待定 已确认 已取消 代表团访问"),
        ("ko", "범례 초안 미확정 확정 취소 대표단 방문"),
        ("en", "Legend Draft Tentative Confirmed Cancelled Delegation visit"),
    ],
)
def test_the_legend_shows_each_style_by_its_name(auth, client, locale, legend):
    auth.login("viewer", locale=locale)
    page = client.get("/calendar/month?date=2030-12-01").get_data(as_text=True)
    found = re.search(r'<div class="cal-legend[^"]*" id="calendar-legend">(.*?)</div>', page, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) == legend
    assert '<li class="list-inline-item cal-entry cal-status-cancelled"><span class="cal-title"><s>' in page  # fmt: skip  # noqa: E501
    assert (
        '<li class="list-inline-item cal-entry cal-status-draft"><span class="cal-title">' in page
    )


@pytest.mark.parametrize(
    ("locale", "view", "earlier", "later"),
    [
        ("zh", "month", "上个月", "下个月"),
        ("zh", "week", "上一周", "下一周"),
        ("ko", "month", "이전 달", "다음 달"),
        ("ko", "week", "이전 주", "다음 주"),
    ],
)
def test_previous_and_next_say_month_or_week(auth, client, locale, view, earlier, later):
    auth.login("viewer", locale=locale)
    page = client.get(f"/calendar/{view}?date=2030-12-04").get_data(as_text=True)
    step = {"month": ("2030-11-01", "2031-01-01"), "week": ("2030-11-27", "2030-12-11")}[view]
    assert f'rel="prev" href="/calendar/{view}?date={step[0]}">{earlier}</a>' in page
    assert f'rel="next" href="/calendar/{view}?date={step[1]}">{later}</a>' in page
