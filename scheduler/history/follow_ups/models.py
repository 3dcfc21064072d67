"""A follow-up action agreed at a meeting, with its owner's reminder."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from scheduler.db import TimestampMixin, UTCDateTime, one_of
from scheduler.extensions import db

if TYPE_CHECKING:
    from scheduler.auth.models import User
    from scheduler.meetings.models import Meeting

FOLLOW_UP_STATUSES = ("open", "done", "dropped")


class FollowUp(TimestampMixin, db.Model):
    """An action agreed at a meeting, owned by one staff user, due on a date."""

    __tablename__ = "follow_ups"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("status", FOLLOW_UP_STATUSES), name="status_known"),
        sa.Index("ix_follow_ups_status_due", "status", "due_date"),
        sa.Index("ix_follow_ups_reminder", "reminder_sent_at", "remind_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # When the owner's reminder is due (UTC), recomputed when the due date or owner changes.
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped["Meeting"] = relationship(
        backref=backref("follow_ups", passive_deletes=True, order_by="FollowUp.due_date")
    )
    owner: Mapped["User"] = relationship()

    def audit_label(self) -> str:
        return self.title
