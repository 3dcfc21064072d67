"""Rooms on the admin pages: list, add, edit, deactivate and reactivate; who may; bad input."""

import re

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Room
from tests.conftest import count
from tests.visits_support import element_text, text_of


def room_form(**overrides):
    data = {
        "name_zh": "外事会议室",
        "name_ko": "외사 회의실",
        "name_en": "Foreign Affairs Room",
        "building": "Block A, 3F",
        "capacity": "24",
        "has_video": "y",
        "video_notes": "camera, two screens",
    }
    data.update(overrides)
    return data


def add_room(db, **fields) -> Room:
    values = {"name_zh": "第一会议室", "name_ko": "제1회의실", **fields}
    room = Room(**values)
    db.session.add(room)
    db.session.commit()
    return room


def _cells(html: str, room: Room) -> list[str]:
    row = re.search(rf'<tr id="room-{room.id}">(.*?)</tr>', html, re.S).group(1)
    return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _error(html: str, field: str) -> str:
    return element_text(html, f"{field}-error")


def _newest(db) -> Room:
    return db.session.scalars(sa.select(Room).order_by(Room.id.desc())).first()


def _state(room: Room) -> tuple:
    names = (room.name_zh, room.name_ko, room.name_en, room.building)
    return (*names, room.capacity, room.has_video, room.video_notes, room.is_active)


@pytest.fixture
def admin(auth):
    return auth.login("admin", locale="en")


def test_admin_adds_a_room_and_sees_it_listed(admin, client, db):
    response = client.post("/admin/rooms/new", data=room_form(name_zh=" 外事会议室 "))
    assert response.status_code == 302 and response.location == "/admin/rooms"
    room = _newest(db)
    assert _state(room) == ("外事会议室", "외사 회의실", "Foreign Affairs Room", "Block A, 3F",
                            24, True, "camera, two screens", True)  # fmt: skip
    html = client.get("/admin/rooms").get_data(as_text=True)
    assert "The room Foreign Affairs Room has been saved." in html
    assert _cells(html, room) == [
        "外事会议室", "외사 회의실", "Foreign Affairs Room", "Block A, 3F", "24",
        "Yes · camera, two screens", "Active",
    ]  # fmt: skip
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "rooms")).one()
    assert (entry.action, entry.user_id, entry.object_id) == ("create", admin.id, room.id)
    assert entry.changes["capacity"] == [None, 24]


def test_optional_fields_may_stay_empty(admin, client, db):
    data = room_form(name_en="", building="", capacity="", has_video="", video_notes="")
    del data["has_video"]
    assert client.post("/admin/rooms/new", data=data).status_code == 302
    room = _newest(db)
    assert _state(room) == ("外事会议室", "외사 회의실", "", "", None, False, "", True)
    html = client.get("/admin/rooms").get_data(as_text=True)
    assert _cells(html, room) == ["外事会议室", "외사 회의실", "", "", "", "No", "Active"]


@pytest.mark.parametrize(
    ("lang", "heading", "add"),
    [("zh", "会议室", "添加会议室"), ("ko", "회의실", "회의실 추가"), ("en", "Rooms", "Add room")],
)
def test_pages_speak_the_admins_language(auth, client, db, lang, heading, add):
    auth.login("admin", locale=lang)
    html = client.get("/").get_data(as_text=True)
    assert f'<a class="dropdown-item" href="/admin/rooms">{heading}</a>' in html  # Manage menu
    html = client.get("/admin/rooms").get_data(as_text=True)
    assert f'<h1 class="h3">{heading}</h1>' in html
    assert f'href="/admin/rooms/new">{add}</a>' in html
    form = client.get("/admin/rooms/new").get_data(as_text=True)
    assert f'<h1 class="h3 mb-3">{add}</h1>' in form


def test_edit_a_room(admin, client, db):
    room = add_room(db)
    form = client.get(f"/admin/rooms/{room.id}").get_data(as_text=True)
    assert 'value="第一会议室"' in form
    data = room_form(name_zh="第一会议室", name_ko="제1회의실", name_en="Room 1", capacity="12")
    response = client.post(f"/admin/rooms/{room.id}", data=data)
    assert response.status_code == 302
    assert _state(room) == ("第一会议室", "제1회의실", "Room 1", "Block A, 3F", 12, True,
                            "camera, two screens", True)  # fmt: skip


def test_deactivate_and_reactivate(admin, client, db):
    room = add_room(db, name_en="Room 1")
    response = client.post(f"/admin/rooms/{room.id}/active", data={"active": "0"})
    assert response.status_code == 302 and room.is_active is False
    html = client.get("/admin/rooms").get_data(as_text=True)
    assert "The room Room 1 is no longer offered for new meetings." in html
    assert _cells(html, room)[-1] == "Inactive"
    assert "Reactivate" in client.get(f"/admin/rooms/{room.id}").get_data(as_text=True)
    assert client.post(f"/admin/rooms/{room.id}/active", data={"active": "1"}).status_code == 302
    assert room.is_active is True
    assert "The room Room 1 is offered for new meetings again." in client.get(
        "/admin/rooms"
    ).get_data(as_text=True)


def test_a_strange_active_value_changes_nothing(admin, client, db):
    room = add_room(db)
    assert client.post(f"/admin/rooms/{room.id}/active", data={"active": "no"}).status_code == 400
    assert client.post(f"/admin/rooms/{room.id}/active").status_code == 400
    assert room.is_active is True


def test_unknown_room_is_404(admin, client, db):
    assert client.get("/admin/rooms/999999").status_code == 404
    assert client.post("/admin/rooms/999999", data=room_form()).status_code == 404
    assert client.post("/admin/rooms/999999/active", data={"active": "0"}).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_only_admins_manage_rooms(auth, client, db, role):
    room = add_room(db)
    auth.login(role, locale="en")
    before = (count(Room), _state(room))
    for url in ("/admin/rooms", "/admin/rooms/new", f"/admin/rooms/{room.id}"):
        assert client.get(url).status_code == 403, url
    posts = [("/admin/rooms/new", room_form(name_zh="新会议室", name_ko="새 회의실")),
             (f"/admin/rooms/{room.id}", room_form()),
             (f"/admin/rooms/{room.id}/active", {"active": "0"})]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert (count(Room), _state(room)) == before
    assert 'href="/admin/rooms"' not in client.get("/").get_data(as_text=True)


BAD_INPUT = [
    ({"name_zh": "  "}, "name_zh", "Enter the room's name in Chinese."),
    ({"name_ko": ""}, "name_ko", "Enter the room's name in Korean."),
    ({"capacity": "0"}, "capacity", "The capacity must be a whole number of at least 1."),
    ({"capacity": "-1"}, "capacity", "The capacity must be a whole number of at least 1."),
    ({"capacity": "abc"}, "capacity", "The capacity must be a whole number of at least 1."),
    ({"capacity": "2.5"}, "capacity", "The capacity must be a whole number of at least 1."),
    ({"name_zh": "第一会议室"}, "name_zh", "Another room already has this name."),
    ({"name_ko": "제1회의실"}, "name_ko", "Another room already has this name."),
    ({"name_en": "ROOM ONE"}, "name_en", "Another room already has this name."),
    ({"building": "x" * 101}, "building", "At most %(max)d characters."),
]


@pytest.mark.parametrize(("lang", "expected_lang"), [("zh", "zh"), ("ko", "ko")])
@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_the_admins_language(
    auth, client, db, translated, lang, expected_lang, overrides, field, message
):
    taken = add_room(db, name_en="Room One")
    auth.login("admin", locale=lang)
    before = (count(Room), _state(taken))
    response = client.post("/admin/rooms/new", data=room_form(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    values = {"max": 100} if "%(max)d" in message else {}
    assert _error(html, field) == translated(expected_lang, message, **values)
    assert (count(Room), _state(taken)) == before


def test_an_edit_cannot_take_another_rooms_name(auth, client, db, translated):
    add_room(db)
    other = add_room(db, name_zh="小会议室", name_ko="소회의실")
    auth.login("admin", locale="zh")
    response = client.post(f"/admin/rooms/{other.id}", data=room_form(name_ko="제1회의실 "))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _error(html, "name_ko") == translated("zh", "Another room already has this name.")
    assert (other.name_zh, other.name_ko, other.capacity) == ("小会议室", "소회의실", None)


def test_a_room_keeps_its_own_names_when_edited(admin, client, db):
    room = add_room(db, name_en="Room One")
    data = room_form(name_zh="第一会议室", name_ko="제1회의실", name_en="room one")
    assert client.post(f"/admin/rooms/{room.id}", data=data).status_code == 302
    assert room.name_en == "room one"
