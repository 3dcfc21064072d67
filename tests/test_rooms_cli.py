"""`flask --app scheduler rooms add|list|deactivate`: exact output, refusals change nothing."""

import json

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Room
from tests.conftest import count

FULL = ["--name-zh", "外事会议室", "--name-ko", "외사 회의실", "--name-en", "Foreign Affairs Room",
        "--building", "Block A, 3F", "--capacity", "24", "--video",
        "--video-notes", "camera, two screens"]  # fmt: skip


def _rooms(app, *args):
    return app.test_cli_runner().invoke(args=["rooms", *args])


def _room(db, name_zh) -> Room:
    return db.session.scalar(sa.select(Room).where(Room.name_zh == name_zh))


def test_add_prints_the_room(app, db):
    result = _rooms(app, "add", *FULL)
    assert result.exit_code == 0, result.output
    room = _room(db, "外事会议室")
    assert result.output == (
        f"added room {room.id}  active    外事会议室 / 외사 회의실 / Foreign Affairs Room"
        "  (Block A, 3F, 24 seats, video, camera, two screens)\n"
    )
    assert (room.name_en, room.building, room.capacity, room.has_video) == (
        "Foreign Affairs Room", "Block A, 3F", 24, True,
    )  # fmt: skip
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "rooms")).one()
    assert (entry.action, entry.user_id, entry.object_id) == ("create", None, room.id)


def test_add_with_only_the_names(app, db):
    result = _rooms(app, "add", "--name-zh", "小会议室", "--name-ko", "소회의실")
    assert result.exit_code == 0, result.output
    room = _room(db, "小会议室")
    assert result.output == f"added room {room.id}  active    小会议室 / 소회의실  (no video)\n"
    assert (room.name_en, room.building, room.capacity, room.has_video) == ("", "", None, False)


def test_list_and_json(app, db):
    _rooms(app, "add", *FULL)
    _rooms(app, "add", "--name-zh", "小会议室", "--name-ko", "소회의실", "--no-video")
    big, small = _room(db, "外事会议室"), _room(db, "小会议室")
    _rooms(app, "deactivate", "小会议室")
    result = _rooms(app, "list")
    assert result.exit_code == 0
    assert result.output == (
        f"{big.id}  active    外事会议室 / 외사 회의실 / Foreign Affairs Room"
        "  (Block A, 3F, 24 seats, video, camera, two screens)\n"
        f"{small.id}  inactive  小会议室 / 소회의실  (no video)\n"
    )
    rows = json.loads(_rooms(app, "list", "--json").output)
    assert rows == [
        {"id": big.id, "name_zh": "外事会议室", "name_ko": "외사 회의실",
         "name_en": "Foreign Affairs Room", "building": "Block A, 3F",
         "video_notes": "camera, two screens", "capacity": 24, "has_video": True, "active": True},
        {"id": small.id, "name_zh": "小会议室", "name_ko": "소회의실", "name_en": "",
         "building": "", "video_notes": "", "capacity": None, "has_video": False,
         "active": False},
    ]  # fmt: skip


def test_list_when_there_are_none(app, db):
    assert _rooms(app, "list").output == "No rooms yet.\n"
    assert _rooms(app, "list", "--json").output == "[]\n"


@pytest.mark.parametrize("how", ["id", "name_zh", "name_ko", "name_en"])
def test_deactivate_by_id_or_any_name(app, db, how):
    _rooms(app, "add", *FULL)
    room = _room(db, "外事会议室")
    key = {"id": str(room.id), "name_zh": "外事会议室", "name_ko": "외사 회의실",
           "name_en": "foreign affairs room"}[how]  # fmt: skip
    result = _rooms(app, "deactivate", key)
    assert result.exit_code == 0, result.output
    assert result.output == f"deactivated room {room.id} 外事会议室\n"
    db.session.expire_all()
    assert room.is_active is False
    again = _rooms(app, "deactivate", key)
    assert again.exit_code == 0
    assert again.output == f"room {room.id} 外事会议室 was already inactive\n"


def test_deactivate_an_unknown_room(app, db):
    result = _rooms(app, "deactivate", "大礼堂")
    assert result.exit_code == 1
    assert result.output == "Error: no room '大礼堂'\n"


TAKEN = "Error: Another room already has this name.\n"
REFUSED = [
    (["--name-zh", "外事会议室", "--name-ko", "다른 방"], TAKEN),
    (["--name-zh", "新会议室", "--name-ko", "외사 회의실"], TAKEN),
    (["--name-zh", " ", "--name-ko", "새 회의실"], "Error: Enter the room's name in Chinese.\n"),
    (["--name-zh", "新会议室", "--name-ko", ""], "Error: Enter the room's name in Korean.\n"),
    (["--name-zh", "新会议室", "--name-ko", "새 회의실", "--building", "x" * 101],
     "Error: At most 100 characters.\n"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), REFUSED)
def test_refusals_change_nothing(app, db, args, message):
    _rooms(app, "add", *FULL)
    before = count(Room)
    result = _rooms(app, "add", *args)
    assert result.exit_code == 1
    assert result.output == message
    assert count(Room) == before


@pytest.mark.parametrize(
    ("capacity", "complaint"),
    [("0", "0 is not in the range x>=1."), ("-1", "-1 is not in the range x>=1."),
     ("abc", "'abc' is not a valid integer range.")],
)  # fmt: skip
def test_capacity_must_be_a_positive_whole_number(app, db, capacity, complaint):
    result = _rooms(app, "add", "--name-zh", "新会议室", "--name-ko", "새 회의실",
                    "--capacity", capacity)  # fmt: skip
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: Invalid value for '--capacity': {complaint}\n")
    assert count(Room) == 0


def test_names_are_required_options(app, db):
    result = _rooms(app, "add", "--name-zh", "新会议室")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Missing option '--name-ko'.\n")
    assert count(Room) == 0
