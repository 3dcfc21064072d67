"""The outcome of a held meeting: summaries in Chinese and Korean, minutes and decisions."""

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from scheduler.db import TimestampMixin
from scheduler.extensions import db

if TYPE_CHECKING:
    from scheduler.auth.models import User
    from scheduler.meetings.models import Meeting


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

    meeting: Mapped["Meeting"] = relationship(
        backref=backref("outcome", uselist=False, passive_deletes=True)
    )
    updated_by: Mapped["User | None"] = relationship()

    def audit_label(self) -> str:
        meeting = self.meeting
        return meeting.audit_label() if meeting is not None else str(self.meeting_id)
