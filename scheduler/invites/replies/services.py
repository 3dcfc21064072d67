"""What a calendar message from the office mailbox does (flushes; the caller commits).

- REPLY: the attendee's PARTSTAT (accepted, tentative, declined) becomes their answer exactly
  as an answer link's does (`rsvp.services.record_answer`: audited, organizer told, reminders
  follow). A reply to an earlier SEQUENCE is kept as an answer to that version, never to the
  current one. A reply to a whole series answers each of its occurrences still to come.
- COUNTER: a proposed new time, kept for staff to accept or decline (`counter`).
- REFRESH: the latest REQUEST (or CANCEL) is sent to that attendee again.
- Anything else, a sender who is not the attendee, an unknown UID or attendee, a calendar that
  cannot be read: nothing changes; the message waits on the "replies to review" page.

A message changes nothing but its own attendee's answer: the From address must be that
attendee's, and only participants invited at that address are touched.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.invites.dispatch import queue_invites
from scheduler.invites.ical import series_layout
from scheduler.invites.invites import Invite
from scheduler.invites.recipients import recipient_of
from scheduler.invites.replies.matching import (
    Target,
    answered_version,
    find_target,
    is_open,
    participants_of,
)
from scheduler.invites.replies.models import InboundReply
from scheduler.invites.replies.parse import (
    ANSWERS,
    Incoming,
    Itip,
    MalformedCalendar,
    read_itip,
    read_message,
)
from scheduler.invites.rsvp.services import RSVPClaim, record_answer
from scheduler.meetings.models import MeetingStatus


@dataclass(frozen=True)
class Ingested:
    """A calendar message read: its row, and False when it had been processed before."""

    reply: InboundReply
    new: bool


def ingest(raw: bytes) -> Ingested | None:
    """Process one mail message (its bytes). None when it is not iTIP (left alone)."""
    incoming = read_message(raw)
    if incoming.calendar is None:
        return None
    earlier = processed_before(incoming)
    if earlier is not None:
        return Ingested(earlier, new=False)
    row = _row(incoming)
    try:
        itip = read_itip(incoming.calendar)
    except MalformedCalendar as error:
        return Ingested(_refuse(row, "malformed", str(error)), new=True)
    if itip is None:
        return None
    _describe(row, itip)
    return Ingested(_handle(row, itip), new=True)


def processed_before(incoming: Incoming) -> InboundReply | None:
    """The row of this message if it was processed already (same bytes, or same Message-ID)."""
    same = InboundReply.digest == incoming.digest
    if incoming.message_id:
        same = sa.or_(same, InboundReply.message_id == incoming.message_id)
    return db.session.scalars(sa.select(InboundReply).where(same).limit(1)).first()


def _row(incoming: Incoming) -> InboundReply:
    return InboundReply(
        message_id=incoming.message_id,
        digest=incoming.digest,
        sender=incoming.sender[:254],
        subject=incoming.subject,
    )


def _describe(row: InboundReply, itip: Itip) -> None:
    row.method, row.calendar_uid = itip.method[:20], itip.uid[:255]
    row.sequence, row.recurrence_id, row.comment = itip.sequence, itip.recurrence_id, itip.comment
    if len(itip.attendees) == 1:
        row.attendee, row.partstat = itip.attendees[0][0][:254], itip.attendees[0][1][:20]
    row.proposed_start = itip.start
    if itip.start is not None and itip.end is not None and itip.end > itip.start:
        row.proposed_end = itip.end


def _refuse(row: InboundReply, reason: str, detail: str = "") -> InboundReply:
    row.status, row.reason, row.detail = "review", reason, detail[:1000]
    db.session.add(row)
    db.session.flush()
    return row


def _handle(row: InboundReply, itip: Itip) -> InboundReply:
    handler = HANDLERS.get(itip.method)
    if handler is None:
        return _refuse(row, "method", itip.method)
    if len(itip.attendees) != 1:
        return _refuse(row, "malformed", f"{len(itip.attendees)} attendees instead of one")
    if row.sender != row.attendee:
        return _refuse(row, "sender")
    target = find_target(itip.uid, itip.recurrence_id)
    if target is None:
        return _refuse(row, "unknown_meeting")
    row.meeting_id = target.meetings[0].id
    participants = participants_of(target, row.attendee)
    if not participants:
        return _refuse(row, "unknown_attendee")
    row.participant_id = participants[0].id
    return handler(row, target, participants)


def _reply(row: InboundReply, target: Target, participants: list) -> InboundReply:
    answer = ANSWERS.get(row.partstat)
    if answer is None:
        return _refuse(row, "answer", row.partstat)
    live = [p for p in participants if is_open(p.meeting)]
    if not live:
        return _refuse(row, "closed")
    row.participant_id, row.meeting_id = live[0].id, live[0].meeting_id
    row.status = apply_answer(live, target.series, row.sequence, answer)
    db.session.add(row)
    db.session.flush()
    return row


def apply_answer(participants: list, series, sequence: int, answer: str) -> str:
    """Record *answer* to *sequence* for each participant; the organizer hears once.

    Returns the row's status: applied, stale (an answer to an earlier version) or unchanged.
    """
    recorded, stale = False, False
    for participant in participants:
        version = answered_version(participant.meeting, series, sequence)
        claim = RSVPClaim(participant, version)
        current = not claim.is_stale
        if record_answer(claim, answer, tell=current and not recorded):
            recorded, stale = True, stale or not current
    if not recorded:
        return "unchanged"
    return "stale" if stale else "applied"


def _counter(row: InboundReply, target: Target, participants: list) -> InboundReply:
    if target.whole_series:
        return _refuse(row, "series_counter")
    if row.proposed_start is None:
        return _refuse(row, "malformed", "COUNTER without a proposed start and end")
    meeting = participants[0].meeting
    if not is_open(meeting):
        return _refuse(row, "closed")
    if row.proposed_end is None:  # a new start alone: the meeting keeps its length
        row.proposed_end = row.proposed_start + (meeting.end_dt - meeting.start_dt)
    row.status = "proposed"
    db.session.add(row)
    db.session.flush()
    return row


def _refresh(row: InboundReply, target: Target, participants: list) -> InboundReply:
    participant = participants[0]
    queue_invites([latest_invite(participant, target.series)])
    row.status = "refreshed"
    db.session.add(row)
    db.session.flush()
    return row


def latest_invite(participant, series) -> Invite:
    """What the attendee's calendar should hold now: the meeting (or the whole series) as a
    REQUEST, or a CANCEL when it is cancelled."""
    recipient = recipient_of(participant)
    if series is None:
        meeting = participant.meeting
        if meeting.status == MeetingStatus.CANCELLED:
            return Invite(recipient, "CANCEL", "cancelled", meeting)
        return Invite(recipient, "REQUEST", "updated", meeting, participant)
    layout = series_layout(series)
    if not layout.live:
        return Invite(recipient, "CANCEL", "cancelled", layout.template, layout=layout)
    return Invite(recipient, "REQUEST", "updated", layout.template, participant, layout=layout)


HANDLERS = {"REPLY": _reply, "COUNTER": _counter, "REFRESH": _refresh}
