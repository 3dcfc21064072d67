"""The "find a time" page: slots on every clock, skipped days, picking a slot, bad input."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from scheduler.meetings.models import Room
from tests.conftest import unique_email

CN, KR, BERLIN = "Asia/Shanghai", "Asia/Seoul", "Europe/Berlin"


@pytest.fixture
def two_sides(make_user, make_contact):
    """A Changchun staff member and a Seoul contact (default office hours of each side)."""
    return make_user("coordinator", timezone=CN), make_contact("seoul", timezone=KR)


def _query(*keys, **fields):
    data = {"participants": list(keys), "first_day": "2030-12-02", "last_day": "2030-12-02"}
    data |= {"duration": "60", "buffer": "0", "notice": "0", "room_id": "0", "emails": ""}
    data.update(fields)
    return data


def _keys(user, contact):
    return f"user:{user.id}", f"contact:{contact.id}"


def _clocks(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r'<span class="slot-clocks">([^<]*)</span>', html)]


def _links(html: str) -> list[str]:
    return [unescape(a) for a in re.findall(r'<a class="btn btn-sm btn-outline-primary" '
                                             r'href="([^"]*)">', html)]  # fmt: skip


def _skipped(html: str) -> list[tuple[str, str]]:
    table = html.split('id="skipped-days"')[1]
    return [(d, unescape(w)) for d, w in re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table)]


def test_new_meeting_page_links_to_the_finder(auth, client):
    auth.login("coordinator", locale="en")
    assert 'href="/meetings/find-a-time"' in client.get("/meetings/new").get_data(as_text=True)
    html = client.get("/meetings/find-a-time").get_data(as_text=True)
    assert '<h1 class="h3 mb-3">Find a time</h1>' in html
    assert 'id="slot-list"' not in html


def test_slots_show_both_clocks_spread_over_the_day(auth, client, two_sides):
    auth.login("coordinator", locale="en")
    response = client.get("/meetings/find-a-time", query_string=_query(*_keys(*two_sides)))
    assert response.status_code == 200
    # Each half-day's best time first, then each half-day's second (not overlapping the first).
    assert _clocks(response.get_data(as_text=True)) == [
        "Mon, Dec 2 9:00 AM Changchun time · 10:00 AM Seoul time",
        "Mon, Dec 2 2:30 PM Changchun time · 3:30 PM Seoul time",
        "Mon, Dec 2 10:00 AM Changchun time · 11:00 AM Seoul time",
        "Mon, Dec 2 3:30 PM Changchun time · 4:30 PM Seoul time",
    ]


def test_chinese_viewer_and_a_third_zone(auth, client, two_sides, make_user):
    berlin = make_user("coordinator", timezone=BERLIN, working_hours="Mon-Fri 08:00-17:00")
    auth.login("coordinator", locale="zh")
    keys = (*_keys(*two_sides), f"user:{berlin.id}")
    html = client.get("/meetings/find-a-time", query_string=_query(*keys)).get_data(as_text=True)
    # Berlin 08:00 (winter) is 15:00 in Changchun and 16:00 in Seoul.
    assert _clocks(html)[0] == (
        "12月2日（周一）15:00（北京时间） · 16:00（首尔时间） · 08:00（柏林时间，中欧标准时间）"
    )


def test_skipped_days_say_why(auth, client, two_sides):
    auth.login("coordinator", locale="en")
    query = _query(*_keys(*two_sides), last_day="2030-12-08")
    html = client.get("/meetings/find-a-time", query_string=query).get_data(as_text=True)
    assert _skipped(html) == [
        ("2030-12-07", "China: weekend; Korea: weekend"),
        ("2030-12-08", "China: weekend; Korea: weekend"),
    ]


def test_korean_holiday_named_in_the_viewers_language(auth, client, two_sides):
    auth.login("coordinator", locale="ko")
    query = _query(*_keys(*two_sides), first_day="2030-10-03", last_day="2030-10-03")
    html = client.get("/meetings/find-a-time", query_string=query).get_data(as_text=True)
    ((day, why),) = _skipped(html)
    assert day == "2030-10-03" and "개천절" in why and "국경절" in why


def test_people_by_email_and_room_bookings(auth, client, db, two_sides, make_meeting):
    user, contact = two_sides
    room = Room(name_zh="第一会议室")
    db.session.add(room)
    db.session.commit()
    make_meeting(
        room_id=room.id,
        start_dt=datetime(2030, 12, 2, 1, 0, tzinfo=UTC),
        end_dt=datetime(2030, 12, 2, 3, 0, tzinfo=UTC),
    )  # 09:00–11:00 Changchun
    auth.login("coordinator", locale="en")
    query = _query(f"user:{user.id}", emails=f" {contact.email.upper()} ", room_id=str(room.id))
    html = client.get("/meetings/find-a-time", query_string=query).get_data(as_text=True)
    assert _clocks(html)[0] == "Mon, Dec 2 2:30 PM Changchun time · 3:30 PM Seoul time"
    assert _clocks(html)[1:] == [  # the room is taken in the morning
        "Mon, Dec 2 3:30 PM Changchun time · 4:30 PM Seoul time"
    ]
    assert "9:00 AM Changchun" not in html and "10:00 AM Changchun" not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"last_day": "2031-12-03"}, "Search at most 366 days at a time."),
        ({"last_day": "2030-12-01"}, "The last day is before the first day."),
        ({"duration": "4"}, "A meeting lasts between 5 minutes and 24 hours."),
        ({"duration": "1441"}, "A meeting lasts between 5 minutes and 24 hours."),
        ({"duration": "an hour"}, "Enter a whole number."),
        ({"first_day": "2030-02-30"}, "Enter a date such as 2026-12-03."),
        ({"buffer": "300"}, "The buffer is between 0 and 240 minutes."),
        ({"notice": "-1"}, "Between 0 and 720 hours."),
        ({"participants": []}, "Choose at least one participant."),
        (
            {"emails": "nobody@example.org"},
            "No staff member or contact has the e-mail address nobody@example.org.",
        ),
    ],
)
def test_bad_input(auth, client, two_sides, fields, message):
    auth.login("coordinator", locale="en")
    response = client.get(
        "/meetings/find-a-time", query_string=_query(*_keys(*two_sides), **fields)
    )
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert '<div class="invalid-feedback d-block" id="' in html
    assert message in html
    assert 'id="slot-list"' not in html


def test_inactive_contact_is_refused(auth, client, db, make_contact):
    contact = make_contact("seoul", email=unique_email("gone"))
    contact.is_active = False
    db.session.commit()
    auth.login("coordinator", locale="en")
    response = client.get("/meetings/find-a-time", query_string=_query(emails=contact.email))
    assert response.status_code == 400
    assert f"{contact.email} is inactive and cannot take part." in response.get_data(as_text=True)


def test_viewers_cannot_search(auth, client):
    auth.login("viewer")
    assert client.get("/meetings/find-a-time").status_code == 403
