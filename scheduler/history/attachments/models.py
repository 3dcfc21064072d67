"""A file attached to a meeting (agendas, signed agreements, photos)."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from scheduler.db import UTCDateTime, now_utc
from scheduler.extensions import db

if TYPE_CHECKING:
    from scheduler.auth.models import User
    from scheduler.meetings.models import Meeting

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


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

    meeting: Mapped["Meeting"] = relationship(
        backref=backref("attachments", passive_deletes=True, order_by="Attachment.id")
    )
    # selectin: a list of attachments loads its uploaders in one query, not one per row.
    uploaded_by: Mapped["User | None"] = relationship(lazy="selectin")

    def audit_label(self) -> str:
        return self.original_name
