"""Reminding the people asked who have not answered, and telling staff when a poll's closing
date has passed. By hand (`remind`, the staff page and `flask polls remind`) or by the
scheduler job (`send_due`): a reminder goes automatically once per person, POLL_REMINDER_DAYS
before closing; the closing notice once per poll (its sent-at columns say so, so running the
job twice sends nothing twice). Each flushes; the caller commits.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from config import Config
from scheduler.audit.services import record
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.polls.models import Poll, PollInvitee, PollStatus
from scheduler.polls.notices import queue_overdue_notice, queue_request
from scheduler.polls.services import PollError


def reminder_days() -> int:
    """How many days before closing the automatic reminder goes (POLL_REMINDER_DAYS)."""
    if has_app_context():
        return int(current_app.config["POLL_REMINDER_DAYS"])
    return Config.POLL_REMINDER_DAYS


def _remind(invitee: PollInvitee, now: datetime) -> bool:
    if not queue_request(invitee.poll, invitee, reminder=True):
        return False
    invitee.reminded_at = now
    return True


def remind(poll: Poll, now: datetime | None = None) -> int:
    """Remind everyone asked in *poll* who has not answered (again, if reminded before);
    how many were reminded. Refused once the poll is closed, withdrawn or past its closing
    date. Audited with the count."""
    now = now or now_utc()
    db.session.refresh(poll, with_for_update=True)  # two reminders at once: one after the other
    if poll.status != PollStatus.OPEN:
        raise PollError(_l("This time poll is no longer open."), status=409)
    if now >= poll.closes_at:
        raise PollError(
            _l("The closing date of this time poll has passed. Book a time or withdraw it."),
            status=409,
        )
    count = sum(_remind(i, now) for i in poll.invitees if i.answered_at is None)
    record(db.session, "poll_reminder", poll, {"reminded": count})
    db.session.flush()
    return count


def _locked(query):
    if db.session.get_bind().dialect.name == "postgresql":  # two schedulers never share a row
        return query.with_for_update(skip_locked=True)
    return query


def due_reminders(now: datetime) -> int:
    """Remind, once each, the people asked who have not answered an open poll that closes
    within POLL_REMINDER_DAYS; how many were reminded."""
    query = (
        sa.select(PollInvitee)
        .join(Poll, PollInvitee.poll_id == Poll.id)
        .where(
            Poll.status == PollStatus.OPEN,
            Poll.closes_at > now,
            Poll.closes_at <= now + timedelta(days=reminder_days()),
            PollInvitee.answered_at.is_(None),
            PollInvitee.reminded_at.is_(None),
        )
        .order_by(PollInvitee.id)
    )
    return sum(_remind(invitee, now) for invitee in db.session.scalars(_locked(query)).all())


def overdue_notices(now: datetime) -> int:
    """Tell staff about each open poll whose closing date has passed, once per poll; how
    many polls."""
    query = (
        sa.select(Poll)
        .where(
            Poll.status == PollStatus.OPEN,
            Poll.closes_at <= now,
            Poll.overdue_notified_at.is_(None),
        )
        .order_by(Poll.id)
    )
    polls = db.session.scalars(_locked(query)).all()
    for poll in polls:
        queue_overdue_notice(poll)
        poll.overdue_notified_at = now
    return len(polls)


def send_due(now: datetime | None = None) -> dict:
    """The job's work: the due reminders and closing notices (flushes, never commits)."""
    now = now or now_utc()
    counts = {"reminders": due_reminders(now), "closing_notices": overdue_notices(now)}
    db.session.flush()
    return counts
