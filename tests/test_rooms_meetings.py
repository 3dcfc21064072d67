"""Meetings and itinerary items choose a room: only active rooms are offered (and the one a
meeting has), a room booked twice is refused, and the room names the place when none is typed."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from scheduler.meetings.models import Meeting
from tests.conftest import count
from tests.feeds_support import _fresh_feed_state, events, new_feed  # noqa: F401
from tests.test_meetings import _form as meeting_form
from tests.test_rooms import add_room, room_form
from tests.visits_support import element_text, item_form, newest


def _room_options(html: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select[^>]* id="room_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select)
    return [
        (re.search(r'value="([^"]*)"', attrs).group(1), label, "selected" in attrs)
        for attrs, label in options
    ]


@pytest.fixture
def rooms(db):
    """Two active rooms and a deactivated one."""
    return (
        add_room(db, name_zh="第一会议室", name_ko="제1회의실", name_en="Room 1", building="A座"),
        add_room(db, name_zh="小会议室", name_ko="소회의실"),
        add_room(db, name_zh="旧会议室", name_ko="옛 회의실", is_active=False),
    )


@pytest.mark.parametrize(
    ("lang", "names", "none"),
    [("zh", ["小会议室", "第一会议室"], "不使用会议室"),
     ("ko", ["소회의실", "제1회의실"], "회의실 없음"),
     ("en", ["小会议室", "Room 1"], "No room")],
)  # fmt: skip
def test_new_meeting_offers_only_active_rooms(auth, client, rooms, lang, names, none):
    first, small, _old = rooms
    auth.login("coordinator", locale=lang)
    html = client.get("/meetings/new").get_data(as_text=True)
    assert _room_options(html) == [
        ("0", none, True),
        (str(small.id), names[0], False),
        (str(first.id), names[1], False),
    ]


def test_a_deactivated_room_cannot_be_chosen(auth, client, db, rooms, translated):
    auth.login("coordinator", locale="ko")
    before = count(Meeting)
    response = client.post("/meetings/new", data=meeting_form(room_id=str(rooms[2].id)))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert element_text(html, "room_id-error") == translated(
        "ko", "Choose one of the rooms offered."
    )
    assert count(Meeting) == before
    response = client.post("/meetings/new", data=meeting_form(room_id="abc"))
    assert response.status_code == 400 and count(Meeting) == before


def test_a_meeting_keeps_its_room_after_the_room_is_deactivated(
    auth, client, db, rooms, make_meeting
):
    first, small, _old = rooms
    meeting = make_meeting(room_id=first.id)
    first.is_active = False
    db.session.commit()
    auth.login("coordinator", locale="en")
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert _room_options(html) == [
        ("0", "No room", False),
        (str(small.id), "小会议室", False),
        (str(first.id), "Room 1", True),
    ]
    data = meeting_form(title_zh="改了标题", room_id=str(first.id), version=meeting.version)
    assert client.post(f"/meetings/{meeting.id}/edit", data=data).status_code == 302
    assert (meeting.title_zh, meeting.room_id) == ("改了标题", first.id)
    assert element_text(client.get(f"/meetings/{meeting.id}").get_data(as_text=True),
                        "meeting-room") == "Room 1 · A座"  # fmt: skip


def test_a_room_booked_twice_is_a_conflict_naming_the_room(
    auth, client, db, rooms, make_meeting, translated
):
    first = rooms[0]
    booked = make_meeting(room_id=first.id)
    auth.login("coordinator", locale="zh")
    before = count(Meeting)
    overlapping = meeting_form(start_local="2030-12-03T15:30", end_local="2030-12-03T17:00",
                               room_id=str(first.id))  # fmt: skip
    response = client.post("/meetings/new", data=overlapping)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    message = translated(
        "zh", "The room %(name)s is already booked at this time.", name="第一会议室"
    )
    assert message == "会议室“第一会议室”在该时间已被预订。"
    assert message in html
    conflicts = element_text(html, "conflicts")
    assert translated("zh", "Room %(name)s is booked for:", name="第一会议室") in conflicts
    assert f'href="/meetings/{booked.id}"' in html
    assert count(Meeting) == before
    # Another room, or the same room later, is fine.
    other = meeting_form(start_local="2030-12-03T15:30", end_local="2030-12-03T17:00",
                         room_id=str(rooms[1].id))  # fmt: skip
    assert client.post("/meetings/new", data=other).status_code == 302
    later = meeting_form(start_local="2030-12-03T16:00", end_local="2030-12-03T17:00",
                         room_id=str(first.id))  # fmt: skip
    assert client.post("/meetings/new", data=later).status_code == 302


def test_an_interpreter_clash_keeps_the_general_message(
    auth, client, db, rooms, make_meeting, make_user, translated
):
    interpreter = make_user("viewer")
    booked = make_meeting(room_id=rooms[0].id)
    later = booked.end_dt + timedelta(hours=1)
    other = make_meeting(room_id=rooms[1].id, start_dt=later, end_dt=later + timedelta(hours=1))
    auth.login("coordinator", locale="en")
    for meeting in (booked, other):
        data = {"person": f"user:{interpreter.id}", "role": "interpreter"}
        assert client.post(f"/meetings/{meeting.id}/participants", data=data).status_code == 302
    # Moved onto the booked meeting: its room and its interpreter clash.
    moved = meeting_form(room_id=str(rooms[0].id), version=other.version)
    response = client.post(f"/meetings/{other.id}/edit", data=moved)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "An interpreter or room is already booked at this time." in html
    assert "Room Room 1 is booked for:" in element_text(html, "conflicts")
    assert (other.room_id, other.start_dt) == (rooms[1].id, later)


def _location(client, meeting) -> str | None:
    body = client.get(f"/meetings/{meeting.id}.ics").data
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    return str(event["LOCATION"]) if "LOCATION" in event else None


def test_the_room_names_the_place_when_none_is_typed(auth, client, db, rooms, make_meeting):
    first = rooms[0]
    in_room = make_meeting(room_id=first.id)
    later = {"start_dt": in_room.end_dt, "end_dt": in_room.end_dt + timedelta(hours=1)}
    typed = make_meeting(room_id=rooms[1].id, location_zh="市政府三楼", **later)
    auth.login("viewer", locale="ko")
    assert _location(client, in_room) == "제1회의실"
    assert _location(client, typed) == "市政府三楼"
    auth.logout()
    auth.login("viewer", locale="en")
    assert _location(client, in_room) == "Room 1"


def test_an_itinerary_item_chooses_a_room(visit, client, db, rooms, make_meeting, translated):
    first = rooms[0]
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert [label for _v, label, _s in _room_options(html)] == [
        "不使用会议室",
        "小会议室",
        "第一会议室",
    ]
    data = item_form(location_zh="", location_ko="", room_id=str(first.id))
    assert client.post(f"/visits/{visit.id}/items", data=data).status_code == 302
    item = newest(db, Meeting)
    assert (item.visit_id, item.room_id) == (visit.id, first.id)
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "考察 草稿 第一会议室" in element_text(page, f"item-{item.id}")
    before = count(Meeting)
    clash = item_form(start_local="2030-12-03T15:00", end_local="2030-12-03T17:00",
                      room_id=str(first.id))  # fmt: skip
    response = client.post(f"/visits/{visit.id}/items", data=clash)
    assert response.status_code == 409
    message = translated(
        "zh", "The room %(name)s is already booked at this time.", name="第一会议室"
    )
    assert message in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_a_renamed_room_reaches_the_feeds(app, auth, client, db, rooms, make_meeting):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    when = {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed"}
    make_meeting(room_id=rooms[0].id, **when)
    path = new_feed(app, "--partner", "seoul")
    auth.login("admin", locale="ko")
    first = client.get(path)
    (event,) = events(first.data)
    assert str(event["LOCATION"]) == "제1회의실"
    renamed = room_form(name_zh="第一会议室", name_ko="제1 대회의실")
    assert client.post(f"/admin/rooms/{rooms[0].id}", data=renamed).status_code == 302
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    (event,) = events(again.data)
    assert str(event["LOCATION"]) == "제1 대회의실"
