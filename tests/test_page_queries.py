"""The busiest pages cost a fixed number of SQL statements however much data there is
(issue 18.11): each page is counted with one meeting and again with many (more partners,
people, outcomes, follow-ups), and the count must stay the same and within its bound."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.follow_up_support import add_follow_up, count_statements
from tests.invites_support import add_person

# Statements per page as the tests count them: the signed-in user, the page's set-based
# queries, and the test session's SAVEPOINT and ROLLBACK TO around the request (PostgreSQL's
# search adds its planner settings). A change that adds a query per row fails the equality
# below; one that adds a fixed query must raise its bound here, on purpose.
BOUNDS = {
    "dashboard": 11,  # + the open time polls
    "history": 12,
    "month_calendar": 8,  # + the delegation visits drawn as bars
    "meeting": 20,  # + the time warnings: holiday overrides, contacts' partners
    "history_search": 14,
    "statistics": 10,  # + the statistics version (a page shown again reads 4)
}
FIRST = datetime(2030, 12, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Changchun


@pytest.fixture
def exchanges(app, make_meeting, make_contact, make_user):
    """Adds *n* more December 2030 meetings with partners, two people, a follow-up each."""
    organizer = make_user("coordinator")
    made = []

    def add(n: int):
        for k in range(n):
            start = FIRST + timedelta(days=k % 20, hours=k % 6)
            partners = (("seoul",), ("busan", "incheon"))[k % 2]
            meeting = make_meeting(organizer, partners, title_zh=f"中韩视频连线第{k}次",
                                   start_dt=start, end_dt=start + timedelta(hours=1))  # fmt: skip
            add_person(app, meeting.id, make_contact(partner=partners[0]))
            add_person(app, meeting.id, make_user("viewer"))
            add_follow_up(meeting, organizer, f"跟进{k}", date(2030, 12, 28))
            made.append(meeting)
        return made

    return add


def _paths(meeting_id: int) -> dict:
    return {
        "dashboard": "/",
        "history": "/history/?status=all",  # the meetings are in the future
        "month_calendar": "/calendar/month?date=2030-12-01",
        "meeting": f"/meetings/{meeting_id}",
        "history_search": "/history/search?q=视频连线",
        "statistics": "/history/statistics?year=2030",
    }


def _statements(app, client, path: str) -> int:
    with count_statements(app) as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return counted.count


def test_each_page_costs_the_same_statements_with_one_meeting_and_with_many(
    app, auth, client, exchanges, make_contact, rendered_pages
):
    auth.login("coordinator", locale="zh")
    first = exchanges(1)[0]
    few = {name: _statements(app, client, path) for name, path in _paths(first.id).items()}
    busiest = exchanges(8)[-1]
    for partner in ("seoul", "busan", "jeju", "ulsan"):  # the meeting shown: more people
        add_person(app, busiest.id, make_contact(partner=partner))
    many = {name: _statements(app, client, path) for name, path in _paths(busiest.id).items()}
    assert many == few
    assert {name: count for name, count in many.items() if count > BOUNDS[name]} == {}
