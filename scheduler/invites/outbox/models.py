"""The outbox: every e-mail is a row written in the same transaction as the change causing it."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import UTCDateTime, now_utc
from scheduler.extensions import db

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
STATUS_NAMES = {
    "pending": _l("Waiting"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID header, unique: a receiver can tell a retry from a new message.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    sender: Mapped[str] = mapped_column(sa.String(254))
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    kind: Mapped[str] = mapped_column(sa.String(40), default="mail")
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    # The whole message as sent; emptied (b"") when purged, see body_purged_at.
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # When the body was removed (retention or a contact's erasure); the metadata stays.
    body_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
