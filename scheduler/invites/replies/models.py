"""One row per calendar message read from the office mailbox, whatever became of it.

The row is written in the same transaction as what the message changed, so a message is
processed exactly once: its Message-ID and the digest of its bytes are looked up first, and
the unique digest stops a second process that read the same message at the same time.
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import UTCDateTime, now_utc, one_of
from scheduler.extensions import db

# applied: the answer is recorded; stale: kept as an answer to an earlier version of the
# meeting; unchanged: nothing new (the same answer, or an older one than the one stored);
# proposed: a COUNTER waiting for staff; refreshed: the latest REQUEST was sent again;
# review: refused, waiting on the "replies to review" page; the rest are staff decisions.
REPLY_STATUSES = (
    "applied",
    "stale",
    "unchanged",
    "proposed",
    "refreshed",
    "review",
    "applied_by_hand",
    "dismissed",
    "counter_accepted",
    "counter_declined",
)
STATUS_LABELS = {
    "applied": _l("Answer recorded"),
    "stale": _l("Answer to an earlier version"),
    "unchanged": _l("Nothing new"),
    "proposed": _l("New time proposed"),
    "refreshed": _l("Invitation sent again"),
    "review": _l("To review"),
    "applied_by_hand": _l("Applied by hand"),
    "dismissed": _l("Dismissed"),
    "counter_accepted": _l("Proposal accepted"),
    "counter_declined": _l("Proposal declined"),
}
# Why a message was refused (status "review"); the labels are on the review page.
REFUSALS = {
    "sender": _l("The sender is not the attendee the reply speaks for."),
    "unknown_meeting": _l("No meeting or recurring meeting has this calendar UID."),
    "unknown_attendee": _l("The attendee does not take part in this meeting."),
    "malformed": _l("The calendar in this message cannot be read."),
    "method": _l("This kind of calendar message is not handled."),
    "answer": _l("The answer is not one of accepted, tentative or declined."),
    "closed": _l("The meeting is over or cancelled."),
    "series_counter": _l("A new time for a whole recurring meeting is not handled here."),
}


class InboundReply(db.Model):
    """A calendar message from the office mailbox and what was done with it."""

    __tablename__ = "inbound_replies"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("status", REPLY_STATUSES), name="status_known"),
        sa.CheckConstraint(
            "proposed_end IS NULL OR proposed_end > proposed_start", name="proposal_ends_later"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(255), default="", index=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256 of the bytes
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sender: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    method: Mapped[str] = mapped_column(sa.String(20), default="")
    calendar_uid: Mapped[str] = mapped_column(sa.String(255), default="")
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)
    attendee: Mapped[str] = mapped_column(sa.String(254), default="")
    partstat: Mapped[str] = mapped_column(sa.String(20), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default="review")
    reason: Mapped[str] = mapped_column(sa.String(30), default="")
    detail: Mapped[str] = mapped_column(sa.Text, default="")  # what the parser said
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Named as text: the meetings and the users are below the invites.
    meeting = relationship("Meeting")
    participant = relationship("Participant")
    handled_by = relationship("User")

    def audit_label(self) -> str:
        return f"{self.method} {self.attendee or self.sender}".strip()
