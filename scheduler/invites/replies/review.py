"""What staff do with a refused reply: apply its answer to a participant by hand, or dismiss it.

Both are decisions of a signed-in coordinator: recorded on the row (who, when) and, through
the audit listener, in the audit log. Flushes; the request commits.
"""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.invites.ical import event_uid, series_layout, series_uid
from scheduler.invites.replies.matching import is_open
from scheduler.invites.replies.models import InboundReply
from scheduler.invites.replies.parse import ANSWERS
from scheduler.invites.replies.services import apply_answer


class ReviewError(UserError):
    """A decision on a reply that cannot be made (already decided, nothing to apply)."""


def mark_decided(row: InboundReply, status: str) -> None:
    """Record a staff decision on *row*: its new status, who and when."""
    row.status, row.handled_at = status, now_utc()
    row.handled_by_id = current_user.id if current_user.is_authenticated else None
    db.session.flush()


def require_status(row: InboundReply, *statuses: str) -> None:
    """Refuse (409) a decision on a row that is no longer waiting for one."""
    if row.status not in statuses:
        raise ReviewError(_l("This reply has been dealt with already."), status=409)


def dismiss(row: InboundReply) -> None:
    """Put a refused reply or a proposal aside; nothing else changes."""
    require_status(row, "review")
    mark_decided(row, "dismissed")


def may_apply(row: InboundReply) -> bool:
    """Whether the reply holds an answer staff can give for someone (a REPLY that says
    accepted, tentative or declined)."""
    return row.status == "review" and row.method == "REPLY" and row.partstat in ANSWERS


def apply_by_hand(row: InboundReply, participant) -> str:
    """Record the reply's answer for *participant*, as chosen by staff. The answer is to the
    SEQUENCE the reply names when it is about that meeting, else to the current version.
    Returns applied, stale or unchanged."""
    require_status(row, "review")
    if not may_apply(row):
        raise ReviewError(_l("This reply holds no answer that could be applied."))
    meeting = participant.meeting
    if not is_open(meeting):
        raise ReviewError(_l("The meeting is over or cancelled."), status=409)
    series = meeting.series
    own_uid = series_uid(series) if series is not None else event_uid(meeting)
    if row.calendar_uid == own_uid:
        sequence = row.sequence
    else:  # about another calendar object: staff say it answers the meeting as it is
        sequence = series_layout(series).sequence if series is not None else meeting.sequence
    result = apply_answer([participant], series, sequence, ANSWERS[row.partstat])
    row.meeting_id, row.participant_id = meeting.id, participant.id
    mark_decided(row, "applied_by_hand")
    return result
