"""History statistics: days to agree on a time, per partner — the median and the number of
polls closed in the period, counted in calendar days on the Changchun clock."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.extensions import db
from scheduler.polls.models import Poll, PollCandidate

SLOT = datetime(2030, 12, 10, 6, 30, tzinfo=UTC)


def _poll(meeting, creator, opened, closed, status="closed"):
    poll = Poll(meeting=meeting, created_by=creator, closes_at=opened + timedelta(days=20),
                status="open", created_at=opened)  # fmt: skip
    poll.candidates = [PollCandidate(start_dt=SLOT, end_dt=SLOT + timedelta(hours=1))]
    db.session.add(poll)
    db.session.flush()
    if status != "open":
        poll.status, poll.closed_at = status, closed
        poll.chosen_candidate_id = poll.candidates[0].id if status == "closed" else None
    db.session.commit()


def _at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def polls(auth, make_meeting, make_user):
    creator = make_user("coordinator")
    seoul = [make_meeting(partners=("seoul",)) for _ in range(5)]
    busan = [make_meeting(partners=("busan",)) for _ in range(2)]
    # Seoul: 2, 5 and 9 days; the first opened at 23:30 and closed at 00:30 in Changchun.
    _poll(
        seoul[0],
        creator,
        _at("2029-03-01", 15).replace(minute=30),
        _at("2029-03-02", 16).replace(minute=30),
    )
    _poll(seoul[1], creator, _at("2029-04-01"), _at("2029-04-06"))
    _poll(seoul[2], creator, _at("2029-05-01"), _at("2029-05-10"))
    _poll(seoul[3], creator, _at("2028-05-01"), _at("2028-05-30"))  # another year
    _poll(seoul[4], creator, _at("2029-06-01"), _at("2029-06-02"), status="withdrawn")
    _poll(busan[0], creator, _at("2029-07-01"), _at("2029-07-02"))
    _poll(busan[1], creator, _at("2029-08-01"), _at("2029-08-05"))


def _rows(page: str) -> list[str]:
    table = page.split('id="days-to-agree-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr id=\"agree-[^\"]+\">(.*?)</tr>", table, re.S)
    return [" ".join(html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r)) for r in rows]


def test_median_and_count_per_partner_in_chinese(client, auth, polls):
    auth.login(locale="zh")
    page = client.get("/history/statistics?year=2029").get_data(as_text=True)
    assert '<h2 class="h5" id="days-to-agree-heading">商定会议时间所用天数</h2>' in page
    assert (
        "自发出时间征询至会议确认所用的天数，统计本期间内已确定时间的征询，按长春日期计算。" in page
    )
    assert _rows(page) == ["首尔特别市 3 5", "釜山广域市 2 2.5"]


def test_a_partner_and_another_year_in_korean(client, auth, polls):
    auth.login(locale="ko")
    page = client.get("/history/statistics?year=2029&partner=busan").get_data(as_text=True)
    assert "일정 합의 소요 일수" in page and "소요 일수 중앙값" in page
    assert _rows(page) == ["부산광역시 2 2.5"]
    page = client.get("/history/statistics?year=2028").get_data(as_text=True)
    assert _rows(page) == ["서울특별시 1 29"]
    empty = client.get("/history/statistics?year=2027").get_data(as_text=True)
    assert (
        '<p class="text-muted" id="no-agreements">이 기간에 확정된 일정 조율이 없습니다.</p>'
        in empty
    )


def test_every_year_together(client, auth, polls):
    auth.login(locale="zh")
    page = client.get("/history/statistics?year=all").get_data(as_text=True)
    assert _rows(page) == ["首尔特别市 4 7", "釜山广域市 2 2.5"]
