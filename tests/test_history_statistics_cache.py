"""The statistics a worker keeps between requests: shown again while nothing counted has
changed, never after a committed change (meetings, partner links, visits, follow-ups), never
from a transaction's uncommitted rows, and per locale."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from scheduler.extensions import db as _db
from scheduler.history.reports import changes
from scheduler.meetings.models import Meeting
from scheduler.partners.services import get_partner
from scheduler.visits.models import Visit
from tests.history_timeline_support import StatementCounter, add_follow_up, add_meeting, at


def _figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)", html)
    return match.group(1).strip() if match else ""


def _page(client, query: str = "?year=all") -> str:
    response = client.get(f"/history/statistics{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def user(auth, db):
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    add_meeting(user, at(2027, 3))
    add_meeting(user, at(2027, 11), partners=("busan",))
    db.session.commit()
    return user


def test_a_second_request_reads_only_the_version(app, client, user):
    with app.app_context():
        engine = _db.session.get_bind().engine
    with StatementCounter(engine) as first:
        _page(client)
    with StatementCounter(engine) as second:
        html = _page(client)
    assert second.count < first.count
    assert _figure(html, "交流次数") == "2"


def test_a_committed_meeting_change_shows_at_once(client, user):
    assert _figure(_page(client), "交流次数") == "2"
    meeting = add_meeting(user, at(2027, 5))
    _db.session.commit()
    assert _figure(_page(client), "交流次数") == "3"
    meeting.status = "cancelled"
    _db.session.commit()
    assert _figure(_page(client), "交流次数") == "2"
    _db.session.delete(_db.session.get(Meeting, meeting.id))
    _db.session.commit()
    assert _figure(_page(client), "交流次数") == "2"


def test_a_new_partner_link_shows_at_once(client, user):
    html = _page(client, "?partner=busan&year=all")
    assert _figure(html, "交流次数") == "1"
    meeting = _db.session.scalar(sa.select(Meeting).where(Meeting.start_dt == at(2027, 3)))
    meeting.partners.append(get_partner("busan"))
    _db.session.commit()
    assert _figure(_page(client, "?partner=busan&year=all"), "交流次数") == "2"


def test_follow_ups_and_visits_show_at_once(client, user):
    assert _figure(_page(client), "未完成的跟进事项") == "0"
    meeting = _db.session.scalar(sa.select(Meeting).where(Meeting.start_dt == at(2027, 3)))
    follow_up = add_follow_up(meeting, user, status="open", due=date(2026, 1, 15))
    _db.session.commit()
    html = _page(client)
    assert _figure(html, "未完成的跟进事项") == "1" and "(1 项已逾期)" in html
    follow_up.status = "done"
    _db.session.commit()
    assert _figure(_page(client), "已完成的跟进事项") == "1"
    assert _figure(_page(client), "来长春访问（来访）") == "0"
    days = {"start_date": date(2027, 6, 1), "end_date": date(2027, 6, 2)}
    visit = Visit(direction="inbound", title_zh="代表团来访", organizer=user,
                  partners=[get_partner("seoul")], **days)  # fmt: skip
    _db.session.add(visit)
    _db.session.commit()
    assert _figure(_page(client), "来长春访问（来访）") == "0"  # no programme yet, as a draft
    add_meeting(user, at(2027, 6, 1), kind="inspection", visit=visit)
    _db.session.commit()
    assert _figure(_page(client), "来长春访问（来访）") == "1"


def test_a_bulk_statement_draws_a_new_version(client, user):
    before = changes.current(_db.session.connection())
    _db.session.execute(sa.update(Meeting).values(status="cancelled"))
    _db.session.commit()
    assert changes.current(_db.session.connection()) != before
    assert _figure(_page(client), "交流次数") == "0"


def test_uncommitted_rows_are_never_kept(app, user):
    with app.test_request_context("/history/statistics"):
        from scheduler.history.reports.views import statistics_context

        add_meeting(_db.session.get(type(user), user.id), at(2027, 8))  # flushed only
        assert statistics_context(None, 2027)["stats"].total == 3
        _db.session.rollback()
        assert statistics_context(None, 2027)["stats"].total == 2


def test_a_rolled_back_change_leaves_the_version(user):
    before = changes.current(_db.session.connection())
    add_meeting(user, at(2027, 9))
    _db.session.rollback()
    assert changes.current(_db.session.connection()) == before


def test_each_locale_has_its_own_charts(auth, client, user):
    assert "按类别统计交流" in _page(client)
    auth.logout()
    auth.login("viewer", locale="ko")
    html = _page(client)
    assert "유형별 교류" in html and "按类别统计交流" not in html
    assert _figure(html, "교류 건수") == "2"


def test_an_empty_year_has_zero_figures(client, user):
    html = _page(client, "?year=2035")
    assert _figure(html, "交流次数") == "0"
    assert _figure(_page(client, "?year=2035"), "交流次数") == "0"  # kept, still empty
    assert _figure(_page(client, "?year=2027"), "交流次数") == "2"


def test_bad_years_change_nothing(client, user):
    for query in ("?year=1800", "?year=abc", "?year=2027x"):
        assert client.get(f"/history/statistics{query}").status_code == 400
    assert _figure(_page(client), "交流次数") == "2"
