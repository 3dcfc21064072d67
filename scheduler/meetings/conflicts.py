"""Who and what is already booked when a meeting is created or moved.

A person's clash can be overridden with a reason; an interpreter or a room booked twice is
refused. A time another meeting's open poll holds for the same people or room (`holds`) is
only a warning: `find_holds`. Rows are locked first so two racing requests cannot both pass
the check (PostgreSQL; SQLite lets only one writer in at a time anyway).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.meetings.holds import Hold, holds_between, participant_key
from scheduler.meetings.models import Meeting, MeetingStatus, Participant, ParticipantRole, Room
from scheduler.meetings.rooms.services import room_name

INACTIVE_STATUSES = (MeetingStatus.CANCELLED,)  # drafts hold their people and rooms too
CLOSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.HELD)


@dataclass(frozen=True)
class Conflict:
    """Another meeting that overlaps, and who or what is in both."""

    meeting: Meeting
    kind: str  # "person", "interpreter" or "room"
    label: str

    @property
    def is_hard(self) -> bool:
        return self.kind in ("interpreter", "room")


def _overlapping(meeting: Meeting):
    return sa.select(Meeting).where(
        Meeting.id != (meeting.id or -1),
        Meeting.status.not_in(INACTIVE_STATUSES),
        Meeting.start_dt < meeting.end_dt,
        Meeting.end_dt > meeting.start_dt,
    )


def _lock(model, ids) -> None:
    # FOR NO KEY UPDATE, not FOR UPDATE: the participant (or meeting) row this transaction has
    # just inserted holds a FOR KEY SHARE lock on the referenced row through its foreign key,
    # and so does the racing transaction's. FOR UPDATE conflicts with KEY SHARE, so each would
    # wait for the other (a deadlock PostgreSQL breaks with an error instead of a refusal);
    # NO KEY UPDATE coexists with KEY SHARE yet still makes the two bookings queue up.
    query = sa.select(model.id).where(model.id.in_(ids)).order_by(model.id)
    db.session.execute(query.with_for_update(key_share=True))


def lock_resources(meeting: Meeting) -> None:
    """Take row locks on the room and the people, so concurrent bookings queue up."""
    if meeting.room_id:
        _lock(Room, [meeting.room_id])
    user_ids = sorted(p.user_id for p in meeting.participants if p.user_id)
    contact_ids = sorted(p.contact_id for p in meeting.participants if p.contact_id)
    if user_ids:
        _lock(User, user_ids)
    if contact_ids:
        _lock(Contact, contact_ids)


def _person_key(participant: Participant):
    if participant.user_id:
        return ("user", participant.user_id)
    if participant.contact_id:
        return ("contact", participant.contact_id)
    return ("guest", participant.guest_email)


def find_conflicts(meeting: Meeting, labels) -> list[Conflict]:
    """Every clash of *meeting* with other active meetings. *labels* names a participant."""
    others = db.session.scalars(_overlapping(meeting)).unique().all()
    mine = {_person_key(p): p for p in meeting.participants}
    conflicts = []
    for other in others:
        if meeting.room_id and other.room_id == meeting.room_id:
            conflicts.append(Conflict(other, "room", room_name(meeting.room)))
        for theirs in other.participants:
            ours = mine.get(_person_key(theirs))
            if ours is None:
                continue
            is_interpreter = ParticipantRole.INTERPRETER in (ours.role, theirs.role)
            kind = "interpreter" if is_interpreter else "person"
            conflicts.append(Conflict(other, kind, labels(ours)))
    return conflicts


def find_holds(meeting: Meeting) -> list[Hold]:
    """The soft holds on *meeting*'s people or room at its time: candidate times of other
    meetings' open polls (never its own poll's). None once it is cancelled or held."""
    if meeting.status in CLOSED_STATUSES:
        return []
    keys = [key for key in map(participant_key, meeting.participants) if key]
    return holds_between(meeting.start_dt, meeting.end_dt, keys, meeting.room_id, meeting.id)
