"""Reminders before a meeting: rows with a due time, kept in step with the meeting.

`sync_reminders()` recomputes a meeting's rows after every change (a `meeting_changed`
listener); `enqueue_due_reminders()` (a scheduler job) turns due rows into outbox messages.
Only confirmed and tentative meetings have reminders. Participants who declined get none.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _

from config import Config
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.notices import (
    both_clocks,
    meeting_context,
    organizer_recipient,
    queue_notice,
)
from scheduler.invites.recipients import recipient_of
from scheduler.invites.reminders.models import Reminder
from scheduler.meetings.models import Meeting, MeetingStatus, parse_offsets
from scheduler.meetings.signals import meeting_changed, meetings_of
from scheduler.meetings.tech_check import tech_check_at

ACTIVE_STATUSES = (MeetingStatus.CONFIRMED, MeetingStatus.TENTATIVE)


def offsets_for(meeting: Meeting) -> tuple[int, ...]:
    """The meeting's own offsets, else the configured ones (REMINDER_OFFSETS_MINUTES)."""
    if meeting.reminder_offsets is not None:
        return parse_offsets(meeting.reminder_offsets)
    return parse_offsets(_configured_offsets())


def _configured_offsets() -> str:
    # Services also run outside an app context (scripts, tests): then the settings' default.
    if has_app_context():
        return current_app.config["REMINDER_OFFSETS_MINUTES"]
    return Config.REMINDER_OFFSETS_MINUTES


def _wanted(meeting: Meeting) -> dict[tuple, datetime]:
    """(participant_id, kind, offset) → due time, for every reminder the meeting should have."""
    if meeting.status not in ACTIVE_STATUSES:
        return {}
    wanted = {}
    for participant in meeting.participants:
        # A decline of an earlier version (the meeting moved since) says nothing about now.
        declined = participant.rsvp_status == "declined" and not participant.answer_is_stale
        if declined or recipient_of(participant) is None:
            continue
        for minutes in offsets_for(meeting):
            due = meeting.start_dt - timedelta(minutes=minutes)
            wanted[(participant.id, "before_start", minutes)] = due
    check_at = tech_check_at(meeting)
    if check_at is not None:
        wanted[(None, "tech_check", meeting.tech_check_minutes)] = check_at
    return wanted


def _key(row: Reminder) -> tuple:
    return (row.participant_id, row.kind, row.offset_minutes)


def sync_reminders(meeting: Meeting, now: datetime | None = None) -> None:
    """Make the meeting's reminder rows match its time, status and people (flushes).

    A row whose time moved is due again (even if its old time was sent); a new row whose
    time has already passed is not created: the invite or update just went out.
    """
    now = now or now_utc()
    wanted = _wanted(meeting)
    rows = db.session.scalars(sa.select(Reminder).where(Reminder.meeting_id == meeting.id))
    existing = {_key(row): row for row in rows}
    for key, row in existing.items():
        if key not in wanted or (wanted[key] != row.due_at and wanted[key] <= now):
            db.session.delete(row)
    for key, due in wanted.items():
        row = existing.get(key)
        if row is not None and row.due_at != due and due > now:
            row.due_at, row.is_sent, row.is_skipped, row.sent_at = due, False, False, None
        elif row is None and due > now:
            participant_id, kind, minutes = key
            db.session.add(
                Reminder(
                    meeting_id=meeting.id,
                    participant_id=participant_id,
                    kind=kind,
                    offset_minutes=minutes,
                    due_at=due,
                )
            )
    db.session.flush()


def _on_meeting_changed(sender, change: str = "", **details) -> None:
    for meeting in meetings_of(sender, details):
        sync_reminders(meeting)


def register_reminder_listeners(app) -> None:
    """Keep reminders in step with meetings (idempotent: tests build many apps)."""
    meeting_changed.connect(_on_meeting_changed, weak=False)


def _due_rows(now: datetime, limit: int) -> list[Reminder]:
    query = (
        sa.select(Reminder)
        .where(Reminder.is_sent.is_(False), Reminder.is_skipped.is_(False), Reminder.due_at <= now)
        .order_by(Reminder.due_at.desc(), Reminder.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":  # two schedulers never share a row
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _is_sendable(row: Reminder, now: datetime, seen: set) -> bool:
    """Not started, still on, and the latest of its kind for this person (others are stale)."""
    meeting, target = row.meeting, (row.meeting_id, row.participant_id, row.kind)
    if target in seen or meeting.status not in ACTIVE_STATUSES or meeting.start_dt <= now:
        return False
    seen.add(target)
    return True


def enqueue_due_reminders(now: datetime | None = None, limit: int = 500) -> dict:
    """Turn due reminders into outbox messages and mark them sent (flushes, never commits).

    A reminder missed while the scheduler was down is still sent if the meeting has not
    started, and skipped otherwise; of several missed ones for one person only the latest goes.
    Returns counts: sent, skipped.
    """
    now = now or now_utc()
    counts, seen = {"sent": 0, "skipped": 0}, set()
    for row in _due_rows(now, limit):  # latest first, so `seen` keeps the most recent one
        if _is_sendable(row, now, seen) and _queue_reminder(row):
            row.is_sent, row.sent_at = True, now
            counts["sent"] += 1
        else:
            row.is_skipped = True
            counts["skipped"] += 1
    db.session.flush()
    return counts


def _queue_reminder(row: Reminder) -> bool:
    """Queue the reminder's message; False when it has nobody to go to any more."""
    meeting = row.meeting
    if row.kind == "tech_check":
        recipient = organizer_recipient(meeting)
    else:
        recipient = recipient_of(row.participant) if row.participant is not None else None
    if recipient is None:
        return False
    with force_locale(recipient.language):
        context = meeting_context(meeting, recipient)
        check_at = meeting.start_dt - timedelta(minutes=row.offset_minutes)
        context.update(
            kind=row.kind, minutes=row.offset_minutes, check_time=both_clocks(check_at, recipient)
        )
        subject = _reminder_subject(row.kind, context)
        queue_notice(recipient, "reminder", subject, context, kind=f"reminder_{row.kind}")
    return True


def _reminder_subject(kind: str, context: dict) -> str:
    if kind == "tech_check":
        return _(
            "Technical check for %(title)s: %(time)s",
            title=context["title"],
            time=context["check_time"],
        )
    return _("Reminder: %(title)s, %(time)s", title=context["title"], time=context["when"])
