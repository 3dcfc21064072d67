"""The home page after sign-in: this week, waiting invites, failed mail, overdue follow-ups,
recent changes; by role, on the viewer's clock, translated, with a fixed number of queries."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.timefmt import dual_clock, today_in
from tests.follow_up_support import add_follow_up, count_statements
from tests.invites_support import add_person, in_request
from tests.test_i18n import english_left_in
from tests.test_outbox_page import _queue

PAST_START = datetime(2020, 5, 6, 2, 0, tzinfo=UTC)


def _monday(zone: str) -> date:
    today = today_in(zone)
    return today - timedelta(days=today.weekday())


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _meeting_at(make_meeting, start: datetime, **fields):
    return make_meeting(start_dt=start, end_dt=start + timedelta(hours=1), **fields)


def _section(html: str, section_id: str) -> str:
    """The HTML of one dashboard section."""
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_this_weeks_meetings_are_the_viewers_week_with_both_clocks(auth, client, make_meeting):
    zone = "Asia/Seoul"
    monday = _monday(zone)
    first = _meeting_at(make_meeting, _at(monday, 0, 30, zone), title_zh="周一视频连线")
    last = _meeting_at(make_meeting, _at(monday + timedelta(days=6), 22, 0, zone))
    before = _meeting_at(make_meeting, _at(monday - timedelta(days=1), 22, 0, zone))
    after = _meeting_at(make_meeting, _at(monday + timedelta(days=7), 0, 30, zone))
    cancelled = _meeting_at(make_meeting, _at(monday + timedelta(days=2), 10, 0, zone))
    in_request(client.application, cancelled.id, lambda m: services.cancel(m, "台风"))
    auth.login("viewer", locale="en", timezone=zone)
    week = _section(client.get("/").get_data(as_text=True), "dashboard-week")
    shown = [m.id for m in (first, last, before, after, cancelled)
             if f'id="week-meeting-{m.id}"' in week]  # fmt: skip
    assert shown == [first.id, last.id]
    clocks = dual_clock(first.start_dt, zone, "Asia/Shanghai", "en", end=first.end_dt)
    assert f'<span class="week-time">{clocks}</span>' in week
    assert "Seoul" in clocks and "Changchun" in clocks
    # On the Changchun clock, 00:30 on Monday in Seoul is still the Sunday before.
    auth.logout()
    auth.login("viewer", locale="en", timezone="Asia/Shanghai")
    week = _section(client.get("/").get_data(as_text=True), "dashboard-week")
    assert f'id="week-meeting-{first.id}"' not in week and f'id="week-meeting-{last.id}"' in week


def test_no_meetings_this_week(auth, client):
    auth.login("viewer", locale="en")
    week = _section(client.get("/").get_data(as_text=True), "dashboard-week")
    assert "No meetings this week." in week


def _waiting(html: str) -> str:
    return _section(html, "dashboard-waiting")


def test_invites_waiting_for_answers(auth, client, app, invited):
    """Kim (contact) and the staff member have not answered; the contact without mail was
    never invited, so nobody waits for them."""
    auth.login("coordinator", locale="en")
    section = _waiting(client.get("/").get_data(as_text=True))
    meeting = invited["meeting"]
    assert f'id="waiting-meeting-{meeting.id}"' in section
    assert 'id="waiting-count">2</span>' in section
    assert "Tue, Dec 3 2:30 PM–4:00 PM Changchun time / 3:30 PM–5:00 PM Seoul time" in section
    assert (
        '<div class="small waiting-people"><span>Min-su KIM</span>, <span>王芳</span></div>'
        in section
    )
    participant = db.session.get(type(meeting.participants[0]), invited["kim"])
    participant.rsvp_status = "accepted"
    db.session.commit()
    section = _waiting(client.get("/").get_data(as_text=True))
    assert 'id="waiting-count">1</span>' in section and "Min-su KIM" not in section


def test_waiting_invites_leave_out_drafts_and_past_meetings(auth, client, app, make_meeting,
                                                            make_contact):  # fmt: skip
    draft = make_meeting()
    add_person(app, draft.id, make_contact())
    past = _meeting_at(make_meeting, PAST_START)
    add_person(app, past.id, make_contact())
    in_request(app, past.id, services.confirm)
    auth.login("admin", locale="en")
    section = _waiting(client.get("/").get_data(as_text=True))
    assert 'id="waiting-count">0</span>' in section
    assert "Every invite has been answered." in section


def test_viewers_see_waiting_invites_of_their_own_meetings_only(auth, client, app, invited):
    viewer = auth.login("viewer", locale="en")
    section = _waiting(client.get("/").get_data(as_text=True))
    assert 'id="waiting-count">0</span>' in section
    add_person(app, invited["meeting"].id, viewer)
    section = _waiting(client.get("/").get_data(as_text=True))
    assert f'id="waiting-meeting-{invited["meeting"].id}"' in section
    assert 'id="waiting-count">3</span>' in section


def test_failed_mail_is_counted_for_those_who_may_see_the_outbox(auth, client, db):
    auth.login("coordinator", locale="en")
    html = client.get("/").get_data(as_text=True)
    assert '<span class="text-muted">No failed mail.</span>' in html
    _queue("failed", "lost@example.kr", 5, "550 no such user")
    _queue("failed", "gone@example.kr", 5, "550 no such user")
    _queue("sent", "fine@example.kr", 1)
    html = client.get("/").get_data(as_text=True)
    assert ('<a class="link-danger" href="/outbox/?status=failed">'
            "2 messages could not be delivered.</a>") in html  # fmt: skip
    auth.logout()
    auth.login("viewer", locale="en")
    html = client.get("/").get_data(as_text=True)
    assert 'id="failed-mail"' not in html and "/outbox/" not in html


def _overdue_ids(html: str, *follow_ups) -> list[int]:
    section = _section(html, "dashboard-overdue")
    found = [(section.index(f'id="follow-up-{f.id}"'), f.id) for f in follow_ups
             if f'id="follow-up-{f.id}"' in section]  # fmt: skip
    return [follow_up_id for _position, follow_up_id in sorted(found)]


def test_overdue_follow_ups_mine_first_and_everyones_for_coordinators(
    auth, client, make_meeting, make_user
):
    past = _meeting_at(make_meeting, PAST_START)
    other = make_user("coordinator", name_zh="张伟")
    me = auth.login("coordinator", locale="en")
    theirs = add_follow_up(past, other, "安排回访", date(2020, 6, 1))
    mine = add_follow_up(past, me, "回复函件", date(2020, 7, 1))
    add_follow_up(past, me, "准备年度报告", date(2099, 1, 1))
    done = add_follow_up(past, me, "寄送礼品", date(2020, 6, 1), status="done")
    html = client.get("/").get_data(as_text=True)
    assert _overdue_ids(html, theirs, mine, done) == [mine.id, theirs.id]
    assert 'id="overdue-count">2</span>' in html
    assert 'href="/follow-ups/?who=all&amp;overdue=1"' in html


def test_viewers_see_only_their_own_overdue_follow_ups(auth, client, make_meeting, make_user):
    past = _meeting_at(make_meeting, PAST_START)
    other = make_user("coordinator")
    me = auth.login("viewer", locale="en")
    theirs = add_follow_up(past, other, "安排回访", date(2020, 6, 1))
    mine = add_follow_up(past, me, "回复函件", date(2020, 7, 1))
    html = client.get("/").get_data(as_text=True)
    assert _overdue_ids(html, theirs, mine) == [mine.id]
    assert 'id="overdue-count">1</span>' in html


def test_recent_changes_are_readable_and_link_to_what_changed(auth, client, make_meeting):
    me = auth.login("coordinator", locale="en", name_zh="赵敏")
    meeting = make_meeting(title_zh="首尔视频连线")
    follow_up = add_follow_up(meeting, me, "寄送合作备忘录草案")
    html = client.get("/").get_data(as_text=True)
    section = _section(html, "dashboard-changes")
    rows = section.split('<tr id="change-')[1:]
    assert f'<a href="/follow-ups/{follow_up.id}/edit">寄送合作备忘录草案</a>' in rows[0]
    assert '<td class="action">Created</td>' in rows[0]
    assert '<span class="text-muted">Follow-up action</span>' in rows[0]
    assert f'<a href="/meetings/{meeting.id}">首尔视频连线</a>' in rows[1]
    # Sign-ins and account changes belong to the audit log, not the home page.
    assert "Signed in" not in section and me.email not in section
    assert len(rows) <= 10


def test_the_partner_overview_is_still_there(auth, client):
    auth.login("viewer", locale="en")
    html = client.get("/").get_data(as_text=True)
    assert 'id="partner-overview"' in html
    assert "partner provinces and cities" in html


@pytest.fixture
def busy(app, make_meeting, make_contact, make_user, invited):
    """Something in every section: a meeting this week, waiting invites, failed mail,
    overdue follow-ups and recent changes."""

    def fill(n: int):
        zone = "Asia/Shanghai"
        monday = _monday(zone)
        past = _meeting_at(make_meeting, PAST_START)
        for k in range(n):
            _meeting_at(make_meeting, _at(monday, 8 + k, 0, zone), title_zh=f"本周会议{k}")
            contact = make_contact(email=None if k % 2 else f"c{n}-{k}@example.kr")
            add_person(app, invited["meeting"].id, contact)
            add_follow_up(past, make_user("coordinator"), f"逾期事项{k}", date(2020, 6, 1))
            _queue("failed", f"failed{n}-{k}@example.kr", 5, "550")

    return fill


def test_the_number_of_queries_does_not_grow_with_the_rows(auth, client, app, busy):
    auth.login("coordinator", locale="en")
    busy(1)
    with count_statements(app) as few:
        assert client.get("/").status_code == 200
    busy(6)
    with count_statements(app) as many:
        html = client.get("/").get_data(as_text=True)
    assert many.count == few.count
    assert html.count('id="week-meeting-') == 7 and 'id="overdue-count">7</span>' in html


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_the_dashboard_is_translated(auth, client, busy, lang):
    busy(2)
    auth.login("admin", locale=lang)
    html = client.get("/").get_data(as_text=True)
    assert english_left_in(html) == []
    heading = {"zh": "待回复的邀请", "ko": "회신 대기 중인 초청"}[lang]
    assert heading in html
