"""Reminder rows: one per (meeting, participant, kind, offset), with a due time and a sent mark."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import UTCDateTime
from scheduler.extensions import db

if TYPE_CHECKING:
    from scheduler.meetings.models import Meeting, Participant

REMINDER_KINDS = ("before_start", "tech_check")


class Reminder(db.Model):
    """A reminder to send at ``due_at``; ``participant`` is NULL for the organizer's tech check."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('before_start', 'tech_check')", name="kind_known"),
        sa.CheckConstraint("offset_minutes >= 0", name="offset_not_negative"),
        sa.UniqueConstraint(
            "meeting_id", "participant_id", "kind", "offset_minutes", name="uq_reminders_one_each"
        ),
        sa.Index("ix_reminders_due", "is_sent", "is_skipped", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    offset_minutes: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_sent: Mapped[bool] = mapped_column(default=False)
    # The meeting had started before the job saw the reminder (scheduler down): never sent.
    is_skipped: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped["Meeting"] = relationship()
    participant: Mapped["Participant | None"] = relationship()
