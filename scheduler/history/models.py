"""What came of a meeting: its outcome and minutes, attachments and follow-up actions."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from scheduler.db import TimestampMixin, UTCDateTime, now_utc, one_of
from scheduler.extensions import db

FOLLOW_UP_STATUSES = ("open", "done", "dropped")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


class MeetingOutcome(TimestampMixin, db.Model):
    """One per held meeting; every edit is kept (old → new) by the audit log."""

    __tablename__ = "meeting_outcomes"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    summary_zh: Mapped[str] = mapped_column(sa.Text, default="")
    summary_ko: Mapped[str] = mapped_column(sa.Text, default="")
    # Markdown, rendered without raw HTML (scheduler/history/markdown.py).
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meeting: Mapped["Meeting"] = relationship(  # noqa: F821
        backref=backref("outcome", uselist=False, passive_deletes=True)
    )
    updated_by: Mapped["User | None"] = relationship()  # noqa: F821

    def audit_label(self) -> str:
        meeting = self.meeting
        return meeting.audit_label() if meeting is not None else str(self.meeting_id)


class Attachment(db.Model):
    """A file kept under instance/uploads/ by a random name; served to signed-in staff only."""

    __tablename__ = "attachments"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(f"size_bytes > 0 AND size_bytes <= {MAX_ATTACHMENT_BYTES}", "size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    meeting: Mapped["Meeting"] = relationship(  # noqa: F821
        backref=backref("attachments", passive_deletes=True, order_by="Attachment.id")
    )
    # selectin: a list of attachments loads its uploaders in one query, not one per row.
    uploaded_by: Mapped["User | None"] = relationship(lazy="selectin")  # noqa: F821

    def audit_label(self) -> str:
        return self.original_name


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

    meeting: Mapped["Meeting"] = relationship(  # noqa: F821
        backref=backref("follow_ups", passive_deletes=True, order_by="FollowUp.due_date")
    )
    owner: Mapped["User"] = relationship()  # noqa: F821

    def audit_label(self) -> str:
        return self.title
