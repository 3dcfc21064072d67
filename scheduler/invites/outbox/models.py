"""The outbox: every e-mail is a row written in the same transaction as the change causing it."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
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
# Why the last attempt did not succeed, in words for staff; `last_error` holds the details
# (the mail server's code and text, the file system's words), never a Python repr.
ERROR_NAMES = {
    "refused": _l("The mail server refused the message"),
    "deferred": _l("The mail server asked to try again later"),
    "connection": _l("The mail server could not be reached"),
    "dropped": _l("The mail server closed the connection"),
    "disk_full": _l("No space left to write the mail file"),
    "no_access": _l("The mail folder cannot be written"),
    "disk": _l("The mail file could not be written"),
    "interrupted": _l("Delivery was interrupted before this message was sent"),
    "unexpected": _l("Unexpected error while sending"),
    "restored": _l(
        "Held after restoring a backup: it may have gone out before. Send it again only if "
        "the recipient did not get it"
    ),
}


def described(names: dict, code: str, detail: str) -> str:
    """Why an attempt failed, for staff in their language: the name of *code* in *names*
    with *detail* after it (*detail* alone for an unknown code; "" when nothing failed)."""
    name = names.get(code)
    if name is None:
        return detail
    if not detail:
        return str(name)
    return _("%(reason)s: %(detail)s", reason=name, detail=detail)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_calendar", "calendar_uid", "recipient"),
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
    # The UID of the calendar object an invite carries ("" for other mail): one person's
    # invites for one UID leave in the order they were queued (`delivery._in_turn`).
    calendar_uid: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")
    # The whole message as sent; emptied (b"") when purged, see body_purged_at.
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # A deliverer's claim: its random token and when it last renewed the lease
    # (OUTBOX_LEASE_SECONDS); an expired claim is free for any deliverer.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    error_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    # The staff member whose action queued the mail: told when it fails for good (a meeting's
    # mail tells the organizer instead).
    caused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # When the body was removed (retention or a contact's erasure); the metadata stays.
    body_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def reason(self) -> str:
        """Why the last attempt failed, for staff in their language ("" when it did not)."""
        return described(ERROR_NAMES, self.error_code, self.last_error)
