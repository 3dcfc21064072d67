"""Reminder e-mails to the owners of follow-up actions, queued by the reminders job.

An open action's reminder is due at its ``remind_at`` (09:00 on the owner's clock some days
before the due date) and goes out until the due date has passed on the owner's clock, so an
action created after that moment is still reminded at the next run. It is written to the
outbox in the owner's language, in the same transaction as its sent mark. Two job runs at
once never send one twice: PostgreSQL skips rows another run has locked (FOR UPDATE SKIP
LOCKED), and the mark is a conditional UPDATE on every database.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, selectinload

from scheduler.auth.models import User
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from scheduler.invites.notices import absolute_url, meeting_context, queue_notice
from scheduler.invites.recipients import user_recipient
from scheduler.meetings.models import Meeting
from scheduler.timefmt import format_day, today_in

MAIL_KIND = "follow_up_reminder"


def _due_rows(now: datetime, limit: int) -> list[FollowUp]:
    query = (
        sa.select(FollowUp)
        .join(FollowUp.owner)
        .where(
            FollowUp.status == "open",
            FollowUp.reminder_sent_at.is_(None),
            FollowUp.remind_at <= now,
            # Every zone's today is within a day of UTC's: older ones are overdue everywhere.
            FollowUp.due_date >= now.date() - timedelta(days=1),
            User.is_active_user.is_(True),
        )
        .options(
            contains_eager(FollowUp.owner),
            selectinload(FollowUp.meeting).selectinload(Meeting.organizer),
        )
        .order_by(FollowUp.remind_at, FollowUp.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":  # two job runs never share a row
        query = query.with_for_update(skip_locked=True, of=FollowUp)
    return list(db.session.scalars(query))


def _mark_sent(follow_up: FollowUp, now: datetime) -> bool:
    """Set the sent mark unless another run already did (then send nothing)."""
    result = db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.id == follow_up.id, FollowUp.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def enqueue_due_follow_up_reminders(now: datetime | None = None, limit: int = 500) -> dict:
    """Queue the due reminders with their sent marks (flushes, never commits).

    Returns counts: sent, and skipped (the due date has passed on the owner's clock).
    """
    now = now or now_utc()
    counts = {"sent": 0, "skipped": 0}
    for follow_up in _due_rows(now, limit):
        recipient = user_recipient(follow_up.owner)
        if recipient is None or today_in(recipient.timezone, now) > follow_up.due_date:
            counts["skipped"] += 1
        elif _mark_sent(follow_up, now):
            _queue(follow_up, recipient)
            counts["sent"] += 1
    db.session.flush()
    return counts


def _queue(follow_up: FollowUp, recipient) -> None:
    with force_locale(recipient.language):
        context = meeting_context(follow_up.meeting, recipient)
        due = format_day(follow_up.due_date)
        context.update(
            follow_up=follow_up,
            due=due,
            action_url=absolute_url("follow_ups.edit_follow_up", follow_up_id=follow_up.id),
        )
        subject = _("Follow-up due %(date)s: %(title)s", date=due, title=follow_up.title)
        queue_notice(recipient, "follow_up_reminder", subject, context, kind=MAIL_KIND)
