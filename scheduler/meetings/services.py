"""Meeting lifecycle: one function per change, each flushing once; the caller commits.

Every function here ends in `_changed()`, the single hook the invite and reminder code uses.
Status changes and participant removals return how many people will be e-mailed about them.
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from scheduler import people
from scheduler.audit.services import record
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import person_name, user_name
from scheduler.meetings.conflicts import find_conflicts, lock_resources
from scheduler.meetings.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantRole,
    raise_sequence,
)
from scheduler.meetings.signals import mailed_count, meeting_changed, state_of

DEFAULT_TECH_CHECK_MINUTES = 30  # video links get a technical check unless told otherwise
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=24)
# Changes that make calendars replace their copy (RFC 5546 §2.1.4 and the location/join data).
SEQUENCE_FIELDS = (
    "start_dt",
    "end_dt",
    "timezone",
    "status",
    "location_zh",
    "location_ko",
    "platform",
    "join_url",
    "meeting_code",
    "passcode",
    "room_id",
)
EDITABLE_FIELDS = (
    "kind",
    "title_zh",
    "title_ko",
    "title_en",
    "agenda_zh",
    "agenda_ko",
    "agenda_en",
    "start_dt",
    "end_dt",
    "timezone",
    "location_zh",
    "location_ko",
    "platform",
    "join_url",
    "meeting_code",
    "passcode",
    "host_side",
    "tech_check_minutes",
    "room_id",
    "visit_id",
    "reminder_offsets",
)


class MeetingError(UserError):
    """A change that cannot be made; ``message`` is translated, ``conflicts`` lists the clashes."""


ALREADY_IN = _l("This person already takes part in the meeting.")


def check_times(start: datetime, end: datetime) -> None:
    """Refuse an end not after the start, a length outside 5 minutes to 24 hours, or a time
    outside FIRST_YEAR to LAST_YEAR."""
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise MeetingError(
            _l("Choose a time between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )
    if end <= start:
        raise MeetingError(_l("The end must be after the start."))
    if end - start < MIN_DURATION:
        raise MeetingError(_l("A meeting lasts at least 5 minutes."))
    if end - start > MAX_DURATION:
        raise MeetingError(_l("A meeting lasts at most 24 hours. Use a visit for several days."))


def check_join_url(url: str) -> None:
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise MeetingError(_l("The join link must start with http:// or https://."))


def meeting_path_prefix() -> str:
    """The address of a meeting's page without its id (``/meetings/``): lists append each
    meeting's id to it rather than build every row's address with url_for."""
    return url_for("meetings.show_meeting", meeting_id=0).removesuffix("0")


def participant_label(participant: Participant) -> str:
    if participant.user:
        return user_name(participant.user)
    if participant.contact:
        return person_name(participant.contact)
    return participant.guest_name or participant.guest_email


def hard_conflict_message(conflicts, at_this_time=True):
    """Why a booking is refused: the room named when only a room clashes, else the general
    reason (an interpreter, or several things); *at_this_time* False for a series' dates."""
    hard = [c for c in conflicts if c.is_hard]
    if hard and all(c.kind == "room" for c in hard):
        name = hard[0].label
        if at_this_time:
            return _l("The room %(name)s is already booked at this time.", name=name)
        return _l("The room %(name)s is already booked at one of the dates.", name=name)
    if at_this_time:
        return _l("An interpreter or room is already booked at this time.")
    return _l("An interpreter or room is already booked at one of the dates.")


def _check_conflicts(meeting: Meeting, override_reason: str | None) -> None:
    lock_resources(meeting)
    conflicts = find_conflicts(meeting, participant_label)
    if any(c.is_hard for c in conflicts):
        raise MeetingError(hard_conflict_message(conflicts), conflicts)
    if conflicts and not (override_reason or "").strip():
        raise MeetingError(_l("Some participants already have a meeting at this time."), conflicts)
    if conflicts:
        record_override(meeting, override_reason, conflicts)


def record_override(meeting: Meeting, reason: str, conflicts) -> None:
    """Audit a booking kept despite *conflicts*, with the reason staff gave."""
    details = [[c.meeting.id, c.kind, c.label] for c in conflicts]
    record(db.session, "override", meeting, {"reason": reason.strip(), "conflicts": details})


def _changed(meeting: Meeting, change: str, **details) -> int:
    """Flush and tell the listeners; the number of people they will e-mail about it."""
    db.session.flush()
    return mailed_count(meeting_changed.send(meeting, change=change, **details))


def _apply(meeting: Meeting, data: dict) -> bool:
    """Set fields from *data*; True when a calendar-relevant field changed."""
    relevant = False
    for field in EDITABLE_FIELDS:
        if field in data and getattr(meeting, field) != data[field]:
            relevant = relevant or field in SEQUENCE_FIELDS
            setattr(meeting, field, data[field])
    return relevant


def create_meeting(organizer, data: dict, partners, override_reason=None) -> Meeting:
    """A new draft meeting (or the status in *data*), checked for times, link and clashes."""
    check_times(data["start_dt"], data["end_dt"])
    check_join_url(data.get("join_url", ""))
    meeting = Meeting(organizer=organizer, status=data.get("status", MeetingStatus.DRAFT))
    _apply(meeting, data)
    if meeting.kind == MeetingKind.VIDEO_LINK and meeting.tech_check_minutes is None:
        meeting.tech_check_minutes = DEFAULT_TECH_CHECK_MINUTES
    meeting.partners = list(partners)
    db.session.add(meeting)
    db.session.flush()
    _check_conflicts(meeting, override_reason)
    _changed(meeting, "created")
    return meeting


def update_meeting(meeting: Meeting, data: dict, partners=None, override_reason=None) -> Meeting:
    """Edit a meeting; bumps SEQUENCE when something a calendar shows has changed."""
    _refuse_if_closed(meeting)
    check_times(data.get("start_dt", meeting.start_dt), data.get("end_dt", meeting.end_dt))
    check_join_url(data.get("join_url", meeting.join_url))
    # A new time or a new room can clash with other bookings.
    moved = {"start_dt", "end_dt", "room_id"} & {f for f in data if getattr(meeting, f) != data[f]}
    before = state_of(meeting)
    if meeting.series_id is not None:  # an occurrence edited on its own (RECURRENCE-ID override)
        meeting.is_exception = True
    if _apply(meeting, data):
        raise_sequence(meeting)
    if partners is not None:
        meeting.partners = list(partners)
    db.session.flush()
    if moved:
        _check_conflicts(meeting, override_reason)
    _changed(meeting, "updated", before=before)
    return meeting


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise MeetingError(_l("A cancelled or held meeting cannot be changed."))


def _set_status(meeting: Meeting, status: str, change: str, reason: str = "") -> int:
    """Give *meeting* a new status, tell the listeners; how many people will be mailed."""
    before = state_of(meeting)
    meeting.status = status
    meeting.status_reason = reason
    raise_sequence(meeting)
    return _changed(meeting, change, before=before)


def confirm(meeting: Meeting) -> int:
    """Confirm *meeting*; returns how many people will be e-mailed about it."""
    _refuse_if_closed(meeting)
    return _set_status(meeting, MeetingStatus.CONFIRMED, "confirmed")


def make_tentative(meeting: Meeting) -> int:
    _refuse_if_closed(meeting)
    return _set_status(meeting, MeetingStatus.TENTATIVE, "tentative")


def reschedule(meeting: Meeting, start: datetime, end: datetime, override_reason=None) -> None:
    """Move a meeting (a postponed one comes back as tentative)."""
    before = state_of(meeting)
    update_meeting(meeting, {"start_dt": start, "end_dt": end}, override_reason=override_reason)
    if meeting.status == MeetingStatus.POSTPONED:
        meeting.status = MeetingStatus.TENTATIVE
    _changed(meeting, "rescheduled", before=before)


def postpone(meeting: Meeting, reason: str) -> int:
    """Postpone *meeting*; returns how many people will be e-mailed about it."""
    _refuse_if_closed(meeting)
    return _set_status(meeting, MeetingStatus.POSTPONED, "postponed", _required_reason(reason))


def cancel(meeting: Meeting, reason: str) -> int:
    """Cancel *meeting*; returns how many people will be e-mailed about it."""
    _refuse_if_closed(meeting)
    return _set_status(meeting, MeetingStatus.CANCELLED, "cancelled", _required_reason(reason))


def delete_draft(meeting: Meeting) -> None:
    """Delete a draft nobody was told of (an invitation goes out only once a meeting leaves
    the draft stage, and none goes back to it); anything sent can only be cancelled, so the
    partner's calendar hears of it. Audited with its title and time; its participants,
    reminders, notes and search entries go with it."""
    if meeting.status != MeetingStatus.DRAFT:
        raise MeetingError(
            _l("Only a draft that was never sent can be deleted. Cancel this meeting instead.")
        )
    if meeting.series_id is not None:
        raise MeetingError(
            _l("A date of a recurring meeting cannot be deleted alone. Cancel it instead.")
        )
    summary = {
        "title": [meeting.audit_label(), None],
        "start_dt": [meeting.start_dt.isoformat(), None],
    }
    record(db.session, "delete", meeting, summary)
    _changed(meeting, "deleted")  # before it goes: a poll on it is withdrawn, its people told
    db.session.delete(meeting)


def mark_held(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.CONFIRMED:
        raise MeetingError(_l("Only a confirmed meeting can be marked as held."))
    meeting.status = MeetingStatus.HELD
    _changed(meeting, "held")


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_l("Please give a reason."))
    if len(reason) > 2000:
        raise MeetingError(_l("At most %(max)d characters.", max=2000))
    return reason


def add_participant(
    meeting: Meeting, role: str = ParticipantRole.PARTICIPANT, override_reason=None, **person
):
    """Add a staff user, a contact or a guest (``guest_email=``) to *meeting*."""
    _refuse_if_closed(meeting)
    who = person.get("user") or person.get("contact")
    if who is not None and not who.is_active:  # User.is_active and Contact.is_active
        raise MeetingError(_l("This person is inactive and cannot take part."))
    _lock_participants(meeting)
    if already_in(meeting, person):
        raise MeetingError(ALREADY_IN, status=409)
    participant = Participant(meeting=meeting, role=role, **person)
    db.session.add(participant)
    db.session.flush()
    _check_conflicts(meeting, override_reason)
    _changed(meeting, "participant_added", participants_added=[participant])
    return participant


def add_people(meeting: Meeting, records, override_reason=None) -> None:
    """Add staff users and contacts (rows, in order) to *meeting* as participants."""
    for row in records:
        kind = people.parse(people.key_of(row)).kind
        add_participant(meeting, override_reason=override_reason, **{kind: row})


def _lock_participants(meeting: Meeting) -> None:
    """Let additions to *meeting* queue up (PostgreSQL: a row lock; SQLite lets one writer in
    at a time anyway), then read who takes part as the request before us left it: the same
    person added twice at once is "already takes part" (409), never a unique-index 500."""
    db.session.flush()
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    db.session.refresh(meeting, ["participants"])


def already_in(meeting: Meeting, person: dict) -> bool:
    for p in meeting.participants:
        if person.get("user") is not None and p.user_id == person["user"].id:
            return True
        if person.get("contact") is not None and p.contact_id == person["contact"].id:
            return True
        if person.get("guest_email") and p.guest_email == person["guest_email"]:
            return True
    return False


def remove_participant(meeting: Meeting, participant: Participant) -> int:
    """Take someone off a meeting. SEQUENCE rises (RFC 5546: a CANCEL increments it), so if
    they are added back later their new invite is newer than the cancellation they got."""
    _refuse_if_closed(meeting)
    meeting.participants.remove(participant)
    raise_sequence(meeting)
    return _changed(meeting, "participant_removed", participants_removed=[participant])
