"""Who gets which invite, and when: the `meeting_changed` listener (issue 4, item 2).

- A draft sends nothing, and neither does any change to a draft or marking a meeting held.
- Confirming or making tentative sends REQUEST to every participant with an e-mail (staff,
  contacts, interpreters, guests); so does any change that raised the SEQUENCE (time, place,
  join details, recurrence, status) of a meeting that is not a draft. A change that leaves
  the SEQUENCE alone (a title, the agenda) sends nothing.
- Postponing sends REQUEST with STATUS:TENTATIVE and the reason in the text, to those who
  were invited: calendars keep the entry (the meeting will still happen) marked tentative,
  instead of losing it as a CANCEL would; the new time comes as an ordinary update.
- Cancelling sends CANCEL to everyone who was invited; a removed participant gets CANCEL (just
  them), an added one REQUEST (the others' copies are unchanged).
- Recurring series: the series' UID with its master (RRULE/EXDATE) and every changed
  occurrence (RECURRENCE-ID) in one REQUEST. Cancelling one occurrence is such a REQUEST too,
  its date now in the master's EXDATE, to those who were invited (no "naked" exception: a
  CANCEL holding the master would cancel the whole series). Only a person removed from one
  occurrence gets a CANCEL of that RECURRENCE-ID alone, newer than anything they had: the
  others keep that date, and in their later copies of the series it is an EXDATE for them
  alone (as is any date they do not take part in); the series stays "in their calendar", so
  the next message to them is an update, not a new invitation.
- One message per recipient and calendar object per transaction: when one request changes a
  meeting twice (reschedule = update + rescheduled), the later decision replaces the earlier.
  A "this and following" split reaches each person twice, once per UID (the old series now
  ends, the new one starts): iTIP allows one UID per message.

Messages go to the outbox in the caller's transaction: decided at each signal, composed and
enqueued just before it commits (`enqueue` flushes), so each is rendered once.
"""

import logging
from dataclasses import replace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, object_session

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.ical import series_layout
from scheduler.invites.invites import Invite, compose_invite
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.recipients import recipient_of
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.signals import meeting_changed, planned_mail

log = logging.getLogger(__name__)
PENDING = "invites.pending"  # session.info: (calendar uid, address) → Invite, until commit
BUMPED = "invites.sequence_bumped"  # session.info: objects whose SEQUENCE rose, not yet seen
OCCURRENCE_CANCEL = "invite_cancel_occurrence"  # outbox kind: one date of a series, one person


def _note_bump(target, value, oldvalue, _initiator) -> None:
    """Remember that *target*'s SEQUENCE went up (the signal comes after the flush): set to
    ``sequence + 1`` in SQL (`raise_sequence`, whatever was loaded before) or to a new number."""
    raised = isinstance(value, sa.sql.ClauseElement)
    if raised or (isinstance(oldvalue, int) and value != oldvalue):
        session = object_session(target)
        if session is not None:
            session.info.setdefault(BUMPED, set()).add(target)


def _take_bump(*objects) -> bool:
    bumped = db.session.info.get(BUMPED, set())
    seen = any(obj in bumped for obj in objects)
    bumped.difference_update(objects)
    return seen


def _forget(session, *_args) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(BUMPED, None)


def _plan(status: str, change: str, bumped: bool) -> tuple[str, str, str] | None:
    """(who, method, reason) for a change, or None when nothing is sent.

    who: all | added | removed | invited (those invited before); reason "auto" is "new" for
    someone never invited and "updated" otherwise.
    """
    if status == MeetingStatus.DRAFT or change == "held":
        return None
    if change == "participant_added":
        return "added", "REQUEST", "auto"
    if change == "participant_removed":
        return "removed", "CANCEL", "removed"
    if status == MeetingStatus.CANCELLED or change in ("cancelled", "series_cancelled"):
        return "invited", "CANCEL", "cancelled"
    if change == "updated" and not bumped:
        return None
    postponed = status == MeetingStatus.POSTPONED or change == "postponed"
    who = "invited" if postponed else "all"
    return who, "REQUEST", "postponed" if change == "postponed" else "auto"


def _series_status(layout) -> str:
    rows = layout.series.meetings
    if rows and all(m.status == MeetingStatus.CANCELLED for m in rows):
        return MeetingStatus.CANCELLED
    if all(m.status in (MeetingStatus.DRAFT, MeetingStatus.CANCELLED) for m in rows):
        return MeetingStatus.DRAFT
    return layout.template.status


def _people(who: str, rows, details: dict) -> list:
    if who == "added":
        return list(details.get("participants_added") or [])
    if who == "removed":
        return list(details.get("participants_removed") or [])
    return [p for row in rows for p in row.participants]


def _recipients(participants) -> list[tuple]:
    """(Recipient, participant) once per address; skips people without an e-mail and the
    office mailbox itself (the ORGANIZER must not be an attendee)."""
    if not participants:
        return []
    office = current_app.config["MAIL_FROM"].strip().lower()
    seen, result = {office}, []
    for participant in participants:
        recipient = recipient_of(participant)
        if recipient is None:
            log.info("not invited (no e-mail): participant %s", participant.id)
            continue
        if recipient.key not in seen:
            seen.add(recipient.key)
            result.append((recipient, participant))
    return result


def _invited_before(meeting_ids: set[int]) -> set[str]:
    """Addresses whose latest invite for these meetings was a REQUEST (queued or decided)."""
    return _requested_before(meeting_ids) | _requested_in_this_transaction(meeting_ids)


def _requested_before(meeting_ids: set[int]) -> set[str]:
    """Addresses whose latest invite for these meetings in the outbox was a REQUEST."""
    if not meeting_ids:
        return set()
    rows = db.session.execute(
        sa.select(OutboxMessage.recipient, OutboxMessage.kind)
        .where(OutboxMessage.meeting_id.in_(meeting_ids), OutboxMessage.kind.like("invite_%"))
        .order_by(OutboxMessage.id)
    )
    # Losing one date of a series leaves the rest in their calendar.
    latest = {recipient.lower(): kind for recipient, kind in rows if kind != OCCURRENCE_CANCEL}
    return {address for address, kind in latest.items() if kind == "invite_request"}


def _requested_in_this_transaction(meeting_ids: set[int]) -> set[str]:
    """Addresses with a REQUEST decided earlier in this transaction (not yet in the outbox),
    so a cancel in the same transaction takes it back instead of leaving it to go out."""
    pending = db.session.info.get(PENDING, {})
    return {
        invite.recipient.key
        for invite in pending.values()
        if invite.method == "REQUEST" and invite.meeting.id in meeting_ids
    }


def _invites(plan, people, meeting, invited: set[str], **fields) -> list[Invite]:
    who, method, reason = plan
    if who in ("invited", "removed") and not invited:
        return []  # nobody has this meeting in a calendar (it never left the draft stage)
    result = []
    for recipient, participant in _recipients(people):
        known = recipient.key in invited
        if who in ("invited", "removed") and not known:
            continue  # nothing in their calendar to change
        why = ("updated" if known else "new") if reason == "auto" else reason
        answerable = method == "REQUEST" and reason != "occurrence_cancelled"
        result.append(
            Invite(recipient, method, why, meeting, participant if answerable else None, **fields)
        )
    return result


def meeting_invites(meeting: Meeting, change: str, details: dict) -> list[Invite]:
    """The invites one change of a single meeting (or of one occurrence) sends."""
    bumped = _take_bump(meeting)
    if meeting.series is not None:
        return _occurrence_invites(meeting, change, details, bumped)
    plan = _plan(meeting.status, change, bumped)
    if plan is None:
        return []
    people = _people(plan[0], [meeting], details)
    before = details.get("before")
    return _invites(plan, people, meeting, _invited_before({meeting.id}), before=before)


def _series_ids(series, details: dict) -> set[int]:
    rows = [*series.meetings, *(details.get("meetings") or []), *(details.get("removed") or [])]
    return {m.id for m in rows if m.id is not None}


def _revise(series: MeetingSeries) -> None:
    """Raise the series' SEQUENCE above every one sent before, before a message to everyone.

    A series' SEQUENCE is the highest of its own and its occurrences' (each occurrence counts
    its own changes), which alone does not always rise: editing a second occurrence leaves
    the highest where the first edit put it. Keeping the series' own number at that highest
    after every send, and one above when the series itself was not bumped, makes each
    update strictly newer (RFC 5546 §2.1.4); it is stored, so feeds show the same number.
    """
    own_bump = _take_bump(series)
    # The series' row is locked and re-read first: edits of two of its occurrences at once
    # then take turns here, so each message gets a SEQUENCE of its own, in commit order.
    db.session.refresh(series, ["sequence", "version"], with_for_update=True)
    rows = max((m.sequence for m in series.meetings), default=0)
    series.sequence = max(series.sequence if own_bump else series.sequence + 1, rows)
    _take_bump(series)  # our own change is not a new one


def _occurrence_invites(meeting: Meeting, change: str, details: dict, bumped: bool) -> list:
    status = _series_status(series_layout(meeting.series))
    plan = _plan(status, change, bumped)
    if plan is None:
        return []
    if plan[2] == "cancelled" and status != MeetingStatus.CANCELLED:
        # One date of a living series: the master with that date in EXDATE, not a bare
        # RECURRENCE-ID cancel (ical-interop.md §1, "Single occurrence").
        plan = ("invited", "REQUEST", "occurrence_cancelled")
    only = plan[1] == "CANCEL" and status != MeetingStatus.CANCELLED
    people = _people(plan[0], [meeting], details)
    invited = _invited_before(_series_ids(meeting.series, details))
    layout = series_layout(meeting.series)
    invites = _invites(
        plan,
        people,
        meeting,
        invited,
        layout=layout,
        occurrence_only=only,
        before=details.get("before"),
    )
    revise = plan[0] in ("all", "invited") or only or _had_mail(invites, meeting.series, details)
    return _revised(meeting.series, invites) if revise else invites


def _had_mail(invites: list[Invite], series, details: dict) -> bool:
    """True when one of *invites* goes to someone with this series in their calendar already
    (added back after a removal): their new copy must be newer than every earlier message
    (RFC 5546 §2.1.4), so the series' SEQUENCE rises for them alone too."""
    known = _requested_before(_series_ids(series, details))
    return any(invite.recipient.key in known for invite in invites)


def _revised(series: MeetingSeries, invites: list[Invite]) -> list[Invite]:
    """*invites* with the series' SEQUENCE raised first (when anything goes out at all)."""
    if not invites:
        return invites
    _revise(series)
    layout = series_layout(series)
    return [replace(invite, layout=layout) for invite in invites]


def series_invites(series: MeetingSeries, change: str, details: dict) -> list[Invite]:
    """The invites a series-wide change sends (a split: for the old series and the new)."""
    previous = details.get("previous")
    _take_bump(
        *series.meetings, *(previous.meetings if previous else ()), *(details.get("removed") or ())
    )
    result = []
    for each in (previous, series):
        if each is None or not each.meetings:
            continue
        plan = _plan(_series_status(series_layout(each)), change, True)
        if plan is not None:
            layout = series_layout(each)
            live = [m for m in each.meetings if m.status != MeetingStatus.CANCELLED]
            people = _people(plan[0], live or each.meetings, details)
            invited = _invited_before(_series_ids(each, details))
            before = details.get("previous_before" if each is previous else "before")
            invites = _invites(plan, people, layout.template, invited, layout=layout, before=before)
            result += _revised(each, invites)
    return result


def defer_invites(invites: list[Invite]) -> None:
    """Hold *invites* until the transaction commits. A later one to the same person about the
    same calendar object replaces the earlier: one change made of several signals (reschedule
    = update + rescheduled) is one message per person, showing the final state.

    The replacing invite keeps the earlier one's ``before``: its "what changed" list compares
    with the state before this transaction's first change, which is what the reader's last
    message (sent or still queued: queued ones all go out, in order) showed, never with an
    intermediate state nobody was told about. Across transactions no such care is needed:
    each transaction's message is queued and sent, so the next one compares with it."""
    pending = db.session.info.setdefault(PENDING, {})
    for invite in invites:
        key = (invite.calendar_uid, invite.recipient.key)
        earlier = pending.pop(key, None)
        if earlier is not None and earlier.reason == "new":
            if invite.method == "CANCEL":
                continue  # the invite was never sent: nothing to take back
            invite = replace(invite, reason="new")
        elif earlier is not None and earlier.before is not None:
            invite = replace(invite, before=earlier.before)
        pending[key] = invite


def _send_pending(session) -> None:
    """before_commit: compose and enqueue what this transaction decided (same transaction)."""
    pending = session.info.pop(PENDING, None)
    if pending:
        queue_invites(list(pending.values()))


def queue_invites(invites: list[Invite]) -> list[OutboxMessage]:
    """Compose *invites* now and put them in the outbox (flushes, never commits)."""
    rows, dtstamp = [], now_utc()
    for invite in invites:
        try:
            message = compose_invite(invite, dtstamp)
        except ValueError:  # an address that cannot be used safely in a header or ATTENDEE
            log.warning("not invited (unusable address): %r", invite.recipient.email)
            continue
        kind = OCCURRENCE_CANCEL if invite.occurrence_only else f"invite_{invite.method.lower()}"
        uid = invite.calendar_uid
        rows.append(enqueue(message, kind=kind, meeting_id=invite.meeting.id, calendar_uid=uid))
    return rows


def on_meeting_changed(sender, change: str = "", **details) -> int:
    """The `meeting_changed` receiver: decide now, compose and enqueue at commit. Returns
    how many people this change will e-mail (see `scheduler.meetings.signals.mailed_count`)."""
    if isinstance(sender, MeetingSeries):
        invites = series_invites(sender, change, details)
    else:
        invites = meeting_invites(sender, change, details)
    if invites:
        defer_invites(invites)
    return len({invite.recipient.key for invite in invites})


def planned_recipients(_sender) -> set[str]:
    """The `planned_mail` receiver: the addresses this transaction's invites will go to."""
    return {invite.recipient.key for invite in db.session.info.get(PENDING, {}).values()}


def register_invite_listeners(app) -> None:
    """Connect the listeners and the SEQUENCE watch (idempotent: tests build many apps)."""
    meeting_changed.connect(on_meeting_changed, weak=False)
    planned_mail.connect(planned_recipients, weak=False)
    for attribute in (Meeting.sequence, MeetingSeries.sequence):
        if not sa.event.contains(attribute, "set", _note_bump):
            sa.event.listen(attribute, "set", _note_bump)
    for name in ("after_commit", "after_soft_rollback"):
        if not sa.event.contains(Session, name, _forget):
            sa.event.listen(Session, name, _forget)
    if not sa.event.contains(Session, "before_commit", _send_pending):
        sa.event.listen(Session, "before_commit", _send_pending)
