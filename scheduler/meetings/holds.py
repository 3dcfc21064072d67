"""Soft holds: time a booking does not take yet but has asked for (the candidate times of an
open time poll). A hold is neither free nor a hard conflict: the slot finder and the meeting
checks show it as a warning and never refuse because of it.

Meetings sit below the packages that hold time (polls), so they are asked through a signal:
``hold_query.send(None, start=, end=, keys=, room_id=, exclude=)``; each receiver answers
with the holds it knows of. Pure reads; nothing is changed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace

from scheduler.meetings.models import Meeting
from scheduler.people import person_key

_signals = Namespace()
hold_query = _signals.signal("hold-query")


@dataclass(frozen=True)
class Hold:
    """[start, end) held for *meeting* (the one the poll is for), for the person or room
    *key* (``user:ID``, ``contact:ID`` or ``room:ID``)."""

    meeting: Meeting
    start: datetime
    end: datetime
    key: str


def room_key(room_id: int) -> str:
    """How a room is named among the held keys."""
    return f"room:{room_id}"


def holds_between(
    start: datetime,
    end: datetime,
    keys: Iterable[str],
    room_id: int | None = None,
    exclude: int | None = None,
) -> list[Hold]:
    """The holds overlapping [start, end) on the people *keys* or the room, leaving out
    those for the meeting *exclude* (its own candidates never clash with it), by start."""
    wanted = set(keys) | ({room_key(room_id)} if room_id else set())
    if not wanted:
        return []
    results = hold_query.send(None, start=start, end=end, keys=wanted, exclude=exclude)
    found = [hold for _receiver, holds in results for hold in holds or ()]
    return sorted(found, key=lambda hold: (hold.start, hold.meeting.id, hold.key))


def participant_key(participant) -> str | None:
    """A staff user's or contact's person key; None for a guest (guests hold nothing)."""
    if participant.user_id:
        return person_key("user", participant.user_id)
    if participant.contact_id:
        return person_key("contact", participant.contact_id)
    return None


def held_meetings(holds: Iterable[Hold]) -> list[Meeting]:
    """The meetings *holds* are for, each once, in the order met."""
    return list({hold.meeting.id: hold.meeting for hold in holds}.values())
