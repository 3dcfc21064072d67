"""Whole-series actions: confirm every meeting at once, add a person to every meeting.

Each is one flush and one `meeting_changed` signal with the series as sender, so invites go
out once per person for the whole series (RRULE master + exceptions), not once per meeting.
"""

from flask_babel import lazy_gettext as _l

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    raise_sequence,
)
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.services import changed, check_conflicts
from scheduler.meetings.services import ALREADY_IN, MeetingError

OPEN_STATUSES = (MeetingStatus.DRAFT, MeetingStatus.TENTATIVE, MeetingStatus.POSTPONED)


def _upcoming(series: MeetingSeries) -> list[Meeting]:
    return [
        m for m in series.meetings if m.status not in (MeetingStatus.CANCELLED, MeetingStatus.HELD)
    ]


def confirm_series(series: MeetingSeries) -> int:
    """Confirm every draft, tentative or postponed meeting of *series*; returns how many
    people will be e-mailed about it."""
    rows = [m for m in series.meetings if m.status in OPEN_STATUSES]
    if not rows:
        raise MeetingError(_l("There is nothing left to confirm in this series."))
    for meeting in rows:
        meeting.status = MeetingStatus.CONFIRMED
        raise_sequence(meeting)
    raise_sequence(series)
    return changed(series, "series_confirmed", meetings=rows)


def add_series_participant(
    series: MeetingSeries, role: str = ParticipantRole.PARTICIPANT, override_reason=None, **person
) -> list[Participant]:
    """Add one person to every meeting of *series* that has not been held or cancelled."""
    who = person.get("user") or person.get("contact")
    if who is not None and not who.is_active:
        raise MeetingError(_l("This person is inactive and cannot take part."))
    rows, added = _upcoming(series), []
    for meeting in rows:
        if not services.already_in(meeting, person):
            participant = Participant(meeting=meeting, role=role, **person)
            db.session.add(participant)
            added.append(participant)
    if not added:
        raise MeetingError(ALREADY_IN, status=409)
    db.session.flush()
    check_conflicts(rows, override_reason)
    changed(series, "participant_added", meetings=rows, participants_added=added)
    return added
