"""Poll lifecycle: propose (checked), close on a chosen time, withdraw. Each flushes; the
caller commits. A closing books the time through the meeting services, so the meeting's
conflict checks, invitations and reminders run as for any confirmation."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.invites.recipients import recipient_of
from scheduler.meetings import services as meetings
from scheduler.meetings.models import Meeting, MeetingStatus, Participant
from scheduler.meetings.services import participant_label
from scheduler.polls.models import (
    MAX_CANDIDATES,
    MIN_CANDIDATES,
    Poll,
    PollCandidate,
    PollInvitee,
    PollStatus,
)
from scheduler.polls.signals import poll_changed
from scheduler.timefmt import today_in


class PollError(UserError):
    """A poll change that cannot be made; the message is translated."""


def closing_instant(day: date, zone: str) -> datetime:
    """The end of *day* on *zone*'s clock (answers are taken until then), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(zone)).astimezone(UTC)


def closing_day(poll: Poll) -> date:
    """The last day answers are taken, on the meeting's clock (the date staff typed)."""
    return (
        (poll.closes_at - timedelta(microseconds=1))
        .astimezone(ZoneInfo(poll.meeting.timezone))
        .date()
    )


def open_poll(meeting: Meeting) -> Poll | None:
    """The meeting's open poll, if it has one."""
    query = db.select(Poll).where(Poll.meeting_id == meeting.id, Poll.status == PollStatus.OPEN)
    return db.session.scalar(query)


def check_candidates(times: Sequence[tuple[datetime, datetime]]) -> None:
    """Refuse fewer than 2 or more than 8 times, a time in the past, one that is not a valid
    meeting length, or two that overlap (numbered as typed)."""
    if len(times) < MIN_CANDIDATES:
        raise PollError(_l("Propose at least %(min)d times.", min=MIN_CANDIDATES), field="starts")
    if len(times) > MAX_CANDIDATES:
        raise PollError(_l("Propose at most %(max)d times.", max=MAX_CANDIDATES), field="starts")
    now = now_utc()
    for number, (start, end) in enumerate(times, 1):
        if start <= now:
            raise PollError(_l("Time %(number)d is in the past.", number=number), field="starts")
        meetings.check_times(start, end)
    numbered = sorted(enumerate(times, 1), key=lambda item: item[1][0])
    for (first, earlier), (second, later) in zip(numbered, numbered[1:], strict=False):
        if later[0] < earlier[1]:
            low, high = sorted((first, second))
            raise PollError(
                _l("Times %(first)d and %(second)d overlap.", first=low, second=high),
                field="starts",
            )


def check_people(meeting: Meeting, people: Sequence[Participant]) -> None:
    """At least one person, each a participant of *meeting* with an e-mail address."""
    if not people:
        raise PollError(_l("Choose at least one person to ask."), field="people")
    for participant in people:
        if participant.meeting_id != meeting.id:
            raise PollError(_l("Choose people from the list."), field="people")
        if recipient_of(participant) is None:
            raise PollError(
                _l(
                    "%(name)s has no e-mail address and cannot be asked.",
                    name=participant_label(participant),
                ),
                field="people",
            )


def check_closing(meeting: Meeting, day: date, first_start: datetime) -> datetime:
    """The closing instant of *day*; refused when the day is past or the poll would still
    be open when the first proposed time begins."""
    if day < today_in(meeting.timezone):
        raise PollError(_l("The closing date is in the past."), field="closes_on")
    closes_at = closing_instant(day, meeting.timezone)
    if closes_at > first_start:
        raise PollError(
            _l("The poll must close before the day of the first proposed time."),
            field="closes_on",
        )
    return closes_at


def create_poll(
    meeting: Meeting,
    creator,
    times: Sequence[tuple[datetime, datetime]],
    people: Sequence[Participant],
    closes_on: date,
    scores: Mapping[datetime, int] | None = None,
) -> Poll:
    """Propose *times* for a draft *meeting* to *people* (its participants), open until the
    end of *closes_on*; the people asked are mailed (the ``opened`` signal). *scores*: the
    slot finder's score of the times that were its suggestions, by start."""
    if meeting.status != MeetingStatus.DRAFT:
        raise PollError(_l("Times can be proposed only for a draft meeting."))
    if open_poll(meeting) is not None:
        raise PollError(_l("This meeting already has an open time poll."), status=409)
    check_candidates(times)
    check_people(meeting, people)
    closes_at = check_closing(meeting, closes_on, min(start for start, _end in times))
    poll = Poll(meeting=meeting, created_by=creator, closes_at=closes_at)
    scores = scores or {}
    poll.candidates = [
        PollCandidate(start_dt=s, end_dt=e, finder_score=scores.get(s)) for s, e in sorted(times)
    ]
    poll.invitees = [PollInvitee(participant=p) for p in people]
    db.session.add(poll)
    db.session.flush()
    poll_changed.send(poll, change="opened")
    return poll


def _refuse_unless_open(poll: Poll) -> None:
    db.session.refresh(poll, with_for_update=True)  # two staff closing at once: one wins
    if poll.status != PollStatus.OPEN:
        raise PollError(_l("This time poll is no longer open."), status=409)


def close_poll(poll: Poll, candidate_id: int, override_reason: str | None = None) -> int:
    """Book the chosen candidate: the meeting takes its time and is confirmed (invitations go
    out as for any confirmation), the poll is closed. Refused with the reason when the time
    has passed or clashes (an interpreter or room: always; people: without a reason).
    Returns how many people will be e-mailed about the confirmation."""
    _refuse_unless_open(poll)
    chosen = next((c for c in poll.candidates if c.id == candidate_id), None)
    if chosen is None:
        raise PollError(_l("Choose one of the proposed times."), status=404)
    if chosen.start_dt <= now_utc():
        raise PollError(_l("This time has already passed. Choose another one."))
    # Closed first: a meeting confirmed while its poll is open was confirmed by hand, which
    # withdraws the poll (`holds`); this confirmation is the poll's own. A refusal below
    # rolls the whole request back, the status with it.
    poll.status, poll.chosen_candidate_id, poll.closed_at = PollStatus.CLOSED, chosen.id, now_utc()
    db.session.flush()
    times = {"start_dt": chosen.start_dt, "end_dt": chosen.end_dt}
    meetings.update_meeting(poll.meeting, times, override_reason=override_reason)
    mailed = meetings.confirm(poll.meeting)
    poll_changed.send(poll, change="closed")
    return mailed


def withdraw_poll(poll: Poll) -> None:
    """Call the poll off without a time; the meeting stays a draft."""
    _refuse_unless_open(poll)
    poll.status, poll.closed_at = PollStatus.WITHDRAWN, now_utc()
    db.session.flush()
    poll_changed.send(poll, change="withdrawn")
