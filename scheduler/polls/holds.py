"""Soft holds of open polls, and their release.

While a poll is open each candidate time holds the people asked (staff users and contacts),
the meeting's interpreters and its room: the slot finder and the meeting checks ask
`scheduler.meetings.holds.hold_query` and show such a time as "held for a time poll". The
holds are read from open polls only, so closing or withdrawing a poll releases them; a meeting
cancelled or deleted withdraws its open poll here (a `meeting_changed` receiver: meetings
never import polls).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from scheduler.extensions import db
from scheduler.invites.recipients import recipient_of
from scheduler.meetings.holds import Hold, hold_query, participant_key, room_key
from scheduler.meetings.models import Meeting, MeetingStatus, ParticipantRole
from scheduler.meetings.signals import meeting_changed, meetings_of
from scheduler.polls.models import Poll, PollCandidate, PollInvitee, PollStatus
from scheduler.polls.services import open_poll, withdraw_poll


def held_keys(poll: Poll) -> set[str]:
    """Who and what *poll* holds: the people asked, the meeting's interpreters, its room."""
    meeting = poll.meeting
    people = [i.participant for i in poll.invitees]
    people += [p for p in meeting.participants if p.role == ParticipantRole.INTERPRETER]
    keys = {participant_key(p) for p in people} - {None}
    return keys | ({room_key(meeting.room_id)} if meeting.room_id else set())


def _open_candidates(start: datetime, end: datetime, exclude: int | None):
    query = (
        sa.select(PollCandidate)
        .join(Poll, PollCandidate.poll_id == Poll.id)
        .where(
            Poll.status == PollStatus.OPEN,
            PollCandidate.start_dt < end,
            PollCandidate.end_dt > start,
        )
        .order_by(PollCandidate.start_dt, PollCandidate.id)
        .options(
            selectinload(PollCandidate.poll).options(
                selectinload(Poll.invitees).selectinload(PollInvitee.participant),
                selectinload(Poll.meeting).selectinload(Meeting.participants),
            )
        )
    )
    if exclude is not None:
        query = query.where(Poll.meeting_id != exclude)
    return db.session.scalars(query)


def answer_hold_query(_sender, start, end, keys, exclude=None, **_rest) -> list[Hold]:
    """The `hold_query` receiver: every open poll's candidate overlapping [start, end) that
    holds one of *keys*, once per key held."""
    holds = []
    for candidate in _open_candidates(start, end, exclude):
        poll = candidate.poll
        for key in sorted(held_keys(poll) & set(keys)):
            holds.append(Hold(poll.meeting, candidate.start_dt, candidate.end_dt, key))
    return holds


# A meeting leaving the draft stage any other way than by its poll's closing: cancelled,
# deleted, or given a time by hand (marked tentative or confirmed).
_POLL_ENDING = (MeetingStatus.CANCELLED, MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED)


def _on_meeting_changed(sender, change: str = "", **details) -> int:
    """A meeting cancelled, deleted, or confirmed (or marked tentative) by hand: its open poll
    is withdrawn (the people asked get the note, the holds go). Returns how many people the
    notes go to (`mailed_count`)."""
    noted = 0
    for meeting in meetings_of(sender, details):
        if change == "deleted" or meeting.status in _POLL_ENDING:
            poll = open_poll(meeting)
            if poll is not None:
                withdraw_poll(poll)
                noted += sum(1 for i in poll.invitees if recipient_of(i.participant))
    return noted


def register_hold_listeners(app) -> None:
    """Answer hold queries; withdraw the poll of a cancelled or deleted meeting (idempotent:
    tests build many apps)."""
    hold_query.connect(answer_hold_query, weak=False)
    meeting_changed.connect(_on_meeting_changed, weak=False)
