"""A message that failed for good tells someone: the meeting's organizer, or else the staff
member whose action queued it, by a notice in their language through the outbox.

Never for a notice about a notice (no loops), nor to the very address that failed.
"""

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES, User
from scheduler.extensions import db
from scheduler.invites.notices import absolute_url, staff_message
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.outbox.signals import message_failed
from scheduler.invites.recipients import user_recipient
from scheduler.meetings.models import Meeting

NOTICE_KIND = "delivery_failed"


def responsible_user(row: OutboxMessage) -> User | None:
    """Who answers for *row*: its meeting's organizer, else who caused it (None: nobody)."""
    meeting = db.session.get(Meeting, row.meeting_id) if row.meeting_id else None
    if meeting is not None and meeting.organizer is not None:
        return meeting.organizer
    return db.session.get(User, row.caused_by_id) if row.caused_by_id else None


def on_message_failed(row: OutboxMessage, now: datetime) -> None:
    """Queue the notice about *row*, due at *now*, in the transaction that marked it failed
    (flushes)."""
    if row.kind == NOTICE_KIND:
        return
    user = responsible_user(row)
    recipient = user_recipient(user) if user is not None and user.is_active_user else None
    if recipient is None or recipient.email.lower() == row.recipient.lower():
        return
    with force_locale(recipient.language):
        context = {
            "recipient": recipient,
            "failed": row,
            "reason": row.reason,
            "meeting_url": row.meeting_id
            and absolute_url("meetings.show_meeting", meeting_id=row.meeting_id),
            "outbox_url": user.role in EDITOR_ROLES
            and absolute_url("outbox.list_messages", status="failed"),
        }
        subject = _("Not delivered: %(subject)s", subject=row.subject)
        message = staff_message(recipient, "delivery_failed", subject, context)
        notice = enqueue(message, kind=NOTICE_KIND, meeting_id=row.meeting_id)
        notice.next_attempt_at = now


def register_failure_notice_listeners(app) -> None:
    """Connect the receiver (idempotent: tests build many apps)."""
    message_failed.connect(on_message_failed, weak=False)
