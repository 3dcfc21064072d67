"""From a free slot to a meeting without retyping (issue 12.2): the hand-off link, the spread of
suggestions over days and half-days, contacts named with their partner, and the partner and
contact pages' "new meeting with …" links and meeting lists."""

import re
from collections import Counter
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler.meetings.models import Meeting
from scheduler.partners.services import get_partner
from tests.conftest import count

CN, KR = "Asia/Shanghai", "Asia/Seoul"


@pytest.fixture
def two_sides(make_user, make_contact):
    """A Changchun staff member and a Busan contact (default office hours of each side)."""
    return make_user("coordinator", timezone=CN), make_contact("busan", timezone=KR)


def _search(client, *keys, first="2030-12-02", last="2030-12-02"):
    query = {"participants": list(keys), "first_day": first, "last_day": last}
    query |= {"duration": "60", "buffer": "0", "notice": "0", "room_id": "0", "emails": ""}
    return client.get("/meetings/find-a-time", query_string=query).get_data(as_text=True)


def _links(html: str) -> list[str]:
    return [unescape(a) for a in re.findall(r'href="(/meetings/new\?[^"]*)"', html)]


def _clocks(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r'<span class="slot-clocks">([^<]*)</span>', html)]


def _selected(html: str, name: str) -> list[str]:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    return [unescape(v) for v in re.findall(r'<option selected value="([^"]*)"', select)]


def _notes(html: str) -> list[str]:
    if 'id="handoff-notes"' not in html:
        return []
    block = html.split('id="handoff-notes"')[1].split("</div>")[0]
    return [unescape(n) for n in re.findall(r"<li>([^<]*)</li>", block)]


def _form(**overrides) -> dict:
    data = {
        "kind": "video_link",
        "title_zh": "长春—釜山视频连线",
        "title_ko": "창춘-부산 화상회의",
        "partners": [str(get_partner("busan").id)],
        "timezone": CN,
        "start_local": "2030-12-02T09:00",
        "end_local": "2030-12-02T10:00",
        "room_id": "0",
        "host_side": "cn",
    }
    data.update(overrides)
    return data


def test_use_this_time_carries_people_partner_and_zone(auth, client, db, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="en")
    keys = [f"user:{user.id}", f"contact:{contact.id}"]
    link = _links(_search(client, *keys))[0]
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "timezone": [CN],
        "start_local": ["2030-12-02T09:00"],
        "end_local": ["2030-12-02T10:00"],
        "people": keys,
        "partner": ["busan"],
    }
    form = client.get(link).get_data(as_text=True)
    assert _selected(form, "participants") == keys
    assert _selected(form, "partners") == [str(get_partner("busan").id)]
    assert 'value="2030-12-02T09:00"' in form and 'value="2030-12-02T10:00"' in form
    assert _notes(form) == []
    # Still editable: the form posts what it shows, and the meeting starts with these people.
    response = client.post("/meetings/new", data=_form(participants=keys))
    assert response.status_code == 302
    meeting = db.session.scalars(db.select(Meeting).order_by(Meeting.id.desc())).first()
    assert [(p.user_id, p.contact_id, p.role) for p in meeting.participants] == [
        (user.id, None, "participant"),
        (None, contact.id, "participant"),
    ]
    assert [p.slug for p in meeting.partners] == ["busan"]
    assert (meeting.start_dt, meeting.end_dt) == (
        datetime(2030, 12, 2, 1, 0, tzinfo=UTC),
        datetime(2030, 12, 2, 2, 0, tzinfo=UTC),
    )


def test_people_deactivated_meanwhile_are_dropped_with_a_note(auth, client, db, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="en")
    link = _links(_search(client, f"user:{user.id}", f"contact:{contact.id}"))[0]
    contact.is_active = False
    db.session.commit()
    form = client.get(link).get_data(as_text=True)
    assert _selected(form, "participants") == [f"user:{user.id}"]
    assert _notes(form) == ["Min-su KIM · Busan is no longer active and was left out."]
    assert _selected(form, "partners") == [str(get_partner("busan").id)]  # still in the link


def test_person_deactivated_before_saving_is_left_out_with_a_note(auth, client, db, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="ko")
    keys = [f"user:{user.id}", f"contact:{contact.id}"]
    contact.is_active = False
    db.session.commit()
    response = client.post("/meetings/new", data=_form(participants=keys), follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "김민수 · 부산광역시 님은 비활성 상태여서 제외했습니다." in html
    meeting = db.session.scalars(db.select(Meeting).order_by(Meeting.id.desc())).first()
    assert [p.user_id for p in meeting.participants] == [user.id]


def test_tampered_link_gives_notes_not_an_error(auth, client, db):
    auth.login("coordinator", locale="en")
    query = {
        "people": ["contact:999999", "user:abc", "nobody"],
        "partner": ["atlantis", "gwangju"],
        "timezone": "Mars/Olympus",
        "start_local": "2030-13-45T25:00",
        "end_local": "yesterday",
    }
    response = client.get("/meetings/new", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _notes(html) == [
        "Some people in the link are unknown and were left out.",
        "The partner “atlantis” is unknown and was left out.",
        "Gwangju no longer exists as a partner and was left out.",
        "The time in the link could not be read; please enter it.",
        "The time zone in the link is unknown; the office's zone is used.",
    ]
    assert _selected(html, "participants") == [] and _selected(html, "partners") == []
    assert 'value="Asia/Shanghai"' in html


def test_tampered_participants_on_save_change_nothing(auth, client, db, two_sides):
    auth.login("coordinator", locale="zh")
    before = count(Meeting)
    data = _form(participants=[f"contact:{two_sides[1].id}", "contact:999999"])
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 400
    assert 'id="participants-error">请从列表中选择人员。' in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_suggestions_spread_over_days_and_half_days(auth, client, two_sides):
    user, contact = two_sides
    auth.login("coordinator", locale="en")
    html = _search(client, f"user:{user.id}", f"contact:{contact.id}", last="2030-12-06")
    clocks = _clocks(html)
    assert len(clocks) == 20  # 5 working days × morning and afternoon × 2
    buckets = Counter(_half_day(c) for c in clocks)
    assert set(buckets.values()) == {2} and len(buckets) == 10
    # Every half-day's best time comes before any half-day's second best.
    assert len({_half_day(c) for c in clocks[:10]}) == 10
    assert clocks[0] == "Mon, Dec 2 9:00 AM Changchun time · 10:00 AM Seoul time"


def _half_day(clock: str) -> tuple[str, bool]:
    """(the day, afternoon?) of a suggestion as the English page writes it on the first clock."""
    day, meridiem = re.match(r"\w+, (\w+ \d+) \d+:\d+ (AM|PM)", clock).groups()
    return day, meridiem == "PM"


def test_slots_cli_is_unchanged(app, db, two_sides):
    user, contact = two_sides
    result = app.test_cli_runner().invoke(
        args=[
            "slots",
            "--participant",
            user.email,
            "--participant",
            contact.email,
            "--from",
            "2030-12-02",
            "--to",
            "2030-12-02",
            "--duration",
            "60",
            "--now",
            "2030-01-01T00:00:00Z",
            "--limit",
            "2",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"2030-12-02T01:00:00Z  {user.email} 2030-12-02 09:00 {CN} · "
        f"{contact.email} 2030-12-02 10:00 {KR}",
        f"2030-12-02T01:15:00Z  {user.email} 2030-12-02 09:15 {CN} · "
        f"{contact.email} 2030-12-02 10:15 {KR}",
    ]


@pytest.mark.parametrize(
    ("locale", "label"),
    [("ko", "김민수 · 부산광역시"), ("zh", "金敏洙 · 釜山广域市"), ("en", "Min-su KIM · Busan")],
)
def test_contacts_are_named_with_their_partner(
    auth, client, make_meeting, two_sides, locale, label
):
    contact = two_sides[1]
    auth.login("coordinator", locale=locale)
    option = f'<option value="contact:{contact.id}">{label}</option>'
    assert option in client.get("/meetings/find-a-time").get_data(as_text=True)
    assert option in client.get("/meetings/new").get_data(as_text=True)
    meeting = make_meeting(partners=("busan",))
    assert option in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def _list(html: str, list_id: str) -> list[str]:
    block = html.split(f'id="{list_id}"')[1].split("</ul>")[0]
    return [unescape(t) for t in re.findall(r'<a href="/meetings/\d+">([^<]*)</a>', block)]


def test_partner_page_offers_a_new_meeting_and_lists_meetings(auth, client, make_meeting):
    make_meeting(partners=("busan",), title_en="Port logistics 2030")
    make_meeting(
        partners=("busan",),
        title_en="Youth exchange 2020",
        start_dt=datetime(2020, 5, 6, 1, 0, tzinfo=UTC),
        end_dt=datetime(2020, 5, 6, 2, 0, tzinfo=UTC),
    )
    make_meeting(partners=("seoul",), title_en="Seoul only")
    auth.login("coordinator", locale="en")
    html = client.get("/partners/busan").get_data(as_text=True)
    assert ('<a class="btn btn-primary btn-sm" id="new-meeting-with" '
            'href="/meetings/new?partner=busan">New meeting with Busan</a>') in html  # fmt: skip
    assert _list(html, "upcoming-meetings") == ["Port logistics 2030"]
    assert _list(html, "recent-meetings") == ["Youth exchange 2020"]
    form = client.get("/meetings/new?partner=busan").get_data(as_text=True)
    assert _selected(form, "partners") == [str(get_partner("busan").id)]


def test_contact_page_offers_a_new_meeting_and_lists_meetings(
    auth, client, db, make_meeting, two_sides
):
    contact = two_sides[1]
    with_contact = make_meeting(partners=("busan",), title_en="With Kim")
    make_meeting(partners=("busan",), title_en="Without Kim")
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{with_contact.id}/participants",
                data={"person": f"contact:{contact.id}", "role": "participant"})  # fmt: skip
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    link = f"/meetings/new?people=contact:{contact.id}"
    assert f'href="{link}">New meeting with Min-su KIM</a>' in html
    assert _list(html, "upcoming-meetings") == ["With Kim"]
    assert _list(html, "recent-meetings") == []
    form = client.get(link).get_data(as_text=True)
    assert _selected(form, "participants") == [f"contact:{contact.id}"]
    assert _selected(form, "partners") == [str(get_partner("busan").id)]


def test_viewers_see_the_lists_but_no_booking_link(auth, client, make_meeting, two_sides):
    make_meeting(partners=("busan",), title_en="Port logistics 2030")
    auth.login("viewer", locale="en")
    html = client.get("/partners/busan").get_data(as_text=True)
    assert 'id="new-meeting-with"' not in html
    assert _list(html, "upcoming-meetings") == ["Port logistics 2030"]
    assert 'id="new-meeting-with"' not in client.get(f"/contacts/{two_sides[1].id}").get_data(
        as_text=True
    )
