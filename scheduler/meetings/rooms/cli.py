"""`flask --app scheduler rooms add|list|deactivate`.

Output is English like the other commands: refusals are rendered under force_locale("en").
"""

import json

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from scheduler.audit.services import set_actor
from scheduler.extensions import db
from scheduler.meetings.models import Room
from scheduler.meetings.rooms import services
from scheduler.transaction import commits

rooms = AppGroup("rooms", help="Meeting rooms: add, list, deactivate.")


def _refused(error: services.RoomError) -> click.ClickException:
    with force_locale("en"):
        return click.ClickException(str(error))


def _summary(room: Room) -> str:
    names = " / ".join(n for n in (room.name_zh, room.name_ko, room.name_en) if n)
    details = [room.building] if room.building else []
    if room.capacity:
        details.append(f"{room.capacity} seats")
    details.append("video" if room.has_video else "no video")
    if room.video_notes:
        details.append(room.video_notes)
    state = "active" if room.is_active else "inactive"
    return f"{room.id}  {state:<8}  {names}  ({', '.join(details)})"


def _row(room: Room) -> dict:
    return {
        "id": room.id,
        **{f: getattr(room, f) for f in services.ROOM_FIELDS},
        "active": room.is_active,
    }


@rooms.command("add")
@click.option("--name-zh", required=True, help="Chinese name.")
@click.option("--name-ko", required=True, help="Korean name.")
@click.option("--name-en", default="", help="English name.")
@click.option("--building", default="", help="Building and floor.")
@click.option("--capacity", type=click.IntRange(min=1), default=None, help="Seats.")
@click.option("--video/--no-video", default=False, help="Video conferencing equipment.")
@click.option("--video-notes", default="", help="What the equipment is.")
@commits
def add_command(name_zh, name_ko, name_en, building, capacity, video, video_notes):
    """Add an active room."""
    set_actor(db.session, None)
    texts = {"name_zh": name_zh, "name_ko": name_ko, "name_en": name_en}
    details = {"building": building, "capacity": capacity, "video_notes": video_notes}
    data = {**texts, **details, "has_video": video}
    try:
        room = services.add_room(data)
    except services.RoomError as error:
        raise _refused(error) from error
    click.echo(f"added room {_summary(room)}")


@rooms.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(as_json):
    """List every room, active ones first."""
    found = services.list_rooms()
    if as_json:
        click.echo(json.dumps([_row(r) for r in found], ensure_ascii=False, indent=2))
        return
    for room in found:
        click.echo(_summary(room))
    if not found:
        click.echo("No rooms yet.")


@rooms.command("deactivate")
@click.argument("room", metavar="ID_OR_NAME")
@commits
def deactivate_command(room):
    """No longer offer ROOM for new meetings; the meetings that have it keep it."""
    found = services.find_room(room)
    if found is None:
        raise click.ClickException(f"no room {room!r}")
    if not found.is_active:
        click.echo(f"room {found.id} {found.name_zh} was already inactive")
        return
    set_actor(db.session, None)
    services.set_room_active(found, False)
    click.echo(f"deactivated room {found.id} {found.name_zh}")
