"""Rooms: add, edit, (de)activate, find by id or name. Each change flushes; the caller commits.

A deactivated room is no longer offered for new meetings but stays on the meetings that
have it (and in their conflict checks), so a room is never deleted.
"""

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import localized
from scheduler.meetings.models import Room

TEXT_FIELDS = ("name_zh", "name_ko", "name_en", "building", "video_notes")
ROOM_FIELDS = (*TEXT_FIELDS, "capacity", "has_video")
NAME_FIELDS = ("name_zh", "name_ko", "name_en")
REQUIRED_NAMES = {
    "name_zh": _l("Enter the room's name in Chinese."),
    "name_ko": _l("Enter the room's name in Korean."),
}


class RoomError(UserError):
    """A room that cannot be saved as asked; ``message`` is translated, ``field`` named."""


def room_name(room: Room, lang: str | None = None) -> str:
    """The room's name in *lang* (the reader's by default), falling back to the others.

    Outside a request (a command, a job) nobody reads it in a language: the Chinese name,
    the one the office uses, stands in."""
    if lang is None and not has_request_context():
        return room.name_zh
    return localized(room, "name", lang)


def meeting_place(meeting, lang: str | None = None, *, partner_side: bool = False) -> str:
    """The place typed for *meeting*, else the name of its room (both in *lang*; a partner's
    English reader's fallback with *partner_side*, as `localized`)."""
    typed = localized(meeting, "location", lang, partner_side=partner_side)
    if typed or not getattr(meeting, "room_id", None):  # getattr: iCalendar gets stand-ins
        return typed
    return room_name(meeting.room, lang)  # a room is loaded once per session (identity map)


def list_rooms() -> list[Room]:
    """Every room, active ones first, then by Chinese name."""
    query = sa.select(Room).order_by(Room.is_active.desc(), Room.name_zh, Room.id)
    return list(db.session.scalars(query))


def find_room(text: str) -> Room | None:
    """The room whose id is *text*, else the one with *text* as a name in any language."""
    text = (text or "").strip()
    if text.isdigit():
        found = db.session.get(Room, int(text))
        if found is not None:
            return found
    if not text:
        return None
    named = sa.or_(*(sa.func.lower(getattr(Room, f)) == text.lower() for f in NAME_FIELDS))
    return db.session.scalars(sa.select(Room).where(named).order_by(Room.id)).first()


def _taken_name(data: dict, room_id: int | None) -> str | None:
    """The first name field whose value another room already uses (case ignored)."""
    for field in NAME_FIELDS:
        value = data[field].lower()
        column = getattr(Room, field)
        query = sa.select(Room.id).where(sa.func.lower(column) == value, Room.id != (room_id or -1))
        if value and db.session.scalar(query.limit(1)) is not None:
            return field
    return None


def _check_texts(texts: dict) -> None:
    for field, message in REQUIRED_NAMES.items():
        if not texts[field]:
            raise RoomError(message, field=field)
    for field, value in texts.items():
        limit = Room.__table__.c[field].type.length
        if len(value) > limit:
            raise RoomError(_l("At most %(max)d characters.", max=limit), field=field)


def _checked(data: dict, room_id: int | None) -> dict:
    """*data* tidied (texts stripped), or RoomError naming the field at fault."""
    texts = {field: (data.get(field) or "").strip() for field in TEXT_FIELDS}
    _check_texts(texts)
    capacity = data.get("capacity")
    if capacity is not None and (type(capacity) is not int or capacity < 1):
        raise RoomError(_l("The capacity must be a whole number of at least 1."), field="capacity")
    taken = _taken_name(texts, room_id)
    if taken:
        raise RoomError(_l("Another room already has this name."), field=taken)
    return {**texts, "capacity": capacity, "has_video": bool(data.get("has_video"))}


def _flush_unique() -> None:
    """Flush; a name taken by a racing request meanwhile is refused like any other duplicate."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise RoomError(_l("Another room already has this name."), field="name_zh") from error


def add_room(data: dict) -> Room:
    """A new active room from *data* (ROOM_FIELDS); RoomError when a name is missing or taken."""
    room = Room(**_checked(data, None), is_active=True)
    db.session.add(room)
    _flush_unique()
    return room


def update_room(room: Room, data: dict) -> None:
    """Apply an edit (ROOM_FIELDS); RoomError when a name is missing or taken."""
    for field, value in _checked(data, room.id).items():
        setattr(room, field, value)
    _flush_unique()


def set_room_active(room: Room, active: bool) -> None:
    """Offer the room again, or no longer for new meetings (existing ones keep it)."""
    room.is_active = active
    db.session.flush()
