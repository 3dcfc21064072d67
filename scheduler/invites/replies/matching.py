"""Which meeting and which participant a calendar message speaks about, and for which version.

Invites carry the meeting's UID (`event_uid`) or, for a recurring meeting, the series' UID
(`series_uid`) with RECURRENCE-ID naming one occurrence. The attendee is matched on the
address the invite went to; nothing else in a message can name a participant.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.ical import UID_SUFFIX, series_layout
from scheduler.invites.recipients import recipient_of
from scheduler.meetings.models import Meeting, MeetingStatus, Participant
from scheduler.meetings.series.models import MeetingSeries

CLOSED = (MeetingStatus.CANCELLED, MeetingStatus.HELD)


@dataclass(frozen=True)
class Target:
    """The meetings a UID (and RECURRENCE-ID) names; ``series`` is set for a recurring one."""

    meetings: tuple[Meeting, ...]
    series: MeetingSeries | None = None

    @property
    def whole_series(self) -> bool:
        return self.series is not None and len(self.meetings) != 1


def find_target(uid: str, recurrence_id: datetime | None) -> Target | None:
    """The meeting, the occurrence or the whole series *uid* names; None when unknown."""
    if not uid.endswith(UID_SUFFIX):
        return None
    base = uid.removesuffix(UID_SUFFIX)
    series = db.session.scalar(sa.select(MeetingSeries).where(MeetingSeries.uid == base))
    if series is not None:
        rows = sorted(series.meetings, key=lambda m: m.recurrence_start)
        if recurrence_id is not None:
            rows = [m for m in rows if m.recurrence_start == recurrence_id]
        return Target(tuple(rows), series) if rows else None
    if recurrence_id is not None:
        return None
    meeting = db.session.scalar(
        sa.select(Meeting).where(Meeting.uid == base, Meeting.series_id.is_(None))
    )
    return Target((meeting,)) if meeting is not None else None


def address_of(participant: Participant) -> str:
    """The address *participant*'s invites go to, lower-case ("" without one)."""
    recipient = recipient_of(participant)
    return recipient.key if recipient else ""


def participants_of(target: Target, address: str) -> list[Participant]:
    """The participants of *target*'s meetings whose invites go to *address*."""
    return [p for m in target.meetings for p in m.participants if address_of(p) == address]


def is_open(meeting: Meeting) -> bool:
    """Still to come, and neither cancelled nor held: an answer can still change something."""
    return meeting.status not in CLOSED and meeting.end_dt > now_utc()


def answered_version(meeting: Meeting, series: MeetingSeries | None, sequence: int) -> int:
    """The version of *meeting* (its own SEQUENCE) an answer to *sequence* is about.

    A single meeting's invites carry its own SEQUENCE. A series' carry the highest of the
    series' and its occurrences' (`series_layout`); an answer to that is current. An older
    one is current only for an occurrence that never changed on its own (SEQUENCE 0: every
    move of an occurrence raises it); otherwise it is taken as an answer to an earlier
    version, since which one cannot be told, so it never counts for the time as it is now.
    """
    if series is None:
        return min(sequence, meeting.sequence)
    if sequence >= series_layout(series).sequence or meeting.sequence == 0:
        return meeting.sequence
    return min(sequence, meeting.sequence - 1)
