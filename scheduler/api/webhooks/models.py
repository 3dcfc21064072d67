"""A webhook endpoint (where to POST, which events, its encrypted secret) and one delivery
(one event for one endpoint: a row written in the transaction of the change it reports)."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import TimestampMixin, UTCDateTime, now_utc, one_of
from scheduler.extensions import db
from scheduler.invites.outbox.models import described

if TYPE_CHECKING:
    from scheduler.auth.models import User

EVENT_TYPES = (
    "meeting.confirmed",
    "meeting.changed",
    "meeting.cancelled",
    "visit.changed",
    "rsvp.answered",
    "poll.closed",
)
EVENT_NAMES = {
    "meeting.confirmed": _l("A meeting is confirmed"),
    "meeting.changed": _l("A meeting is created or changed"),
    "meeting.cancelled": _l("A meeting is cancelled"),
    "visit.changed": _l("A visit is created or changed"),
    "rsvp.answered": _l("An invitee answers an invitation"),
    "poll.closed": _l("A time poll is closed"),
}
DELIVERY_STATUSES = ("pending", "retrying", "delivered", "failed")
STATUS_NAMES = {
    # NOTE: a webhook delivery's status: not tried yet
    "pending": _lp("webhook delivery", "Waiting"),
    # NOTE: a webhook delivery's status: failed, will be tried again
    "retrying": _lp("webhook delivery", "Will be tried again"),
    # NOTE: a webhook delivery's status: the receiving system accepted it
    "delivered": _lp("webhook delivery", "Delivered"),
    # NOTE: a webhook delivery's status: failed for good, no more attempts
    "failed": _lp("webhook delivery", "Failed"),
}
# Why the last attempt failed, in words for administrators; `last_error` holds the details.
ERROR_NAMES = {
    "status": _l("The receiver answered with an error"),
    "connection": _l("The receiver could not be reached"),
    "timeout": _l("The receiver did not answer in time"),
    "address": _l("The address now points to a private or local network"),
    "dns": _l("The host name could not be resolved"),
    "inactive": _l("The endpoint was deactivated"),
    "interrupted": _l("Delivery was interrupted before this event was sent"),
    "unexpected": _l("Unexpected error while sending"),
}


class WebhookEndpoint(TimestampMixin, db.Model):
    """Where events go. The secret is stored encrypted (AES-SIV under a key derived from
    SECRET_KEY, `signing.seal_secret`): we must sign with it, so a hash would not do.
    Not ``__audited__`` (the sealed secret is no audit value): the services record changes."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # The event types, separated by spaces (a fixed, short list).
    events: Mapped[str] = mapped_column(sa.String(500))
    secret_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    created_by: Mapped["User | None"] = relationship()

    @property
    def event_list(self) -> list[str]:
        """The events this endpoint receives, in the order of EVENT_TYPES."""
        chosen = set(self.events.split())
        return [event for event in EVENT_TYPES if event in chosen]

    def audit_label(self) -> str:
        return f"Webhook {self.id} ({self.url})"


class WebhookDelivery(db.Model):
    """One event for one endpoint; `uuid` is its Webhook-Id header and the body's ``id``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", DELIVERY_STATUSES), name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(sa.String(40))
    # The JSON body exactly as sent (every attempt sends the same bytes).
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # A deliverer's claim: its random token and when it last renewed the lease.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))
    last_status: Mapped[int | None]
    error_code: Mapped[str] = mapped_column(sa.String(20), default="")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()

    @property
    def reason(self) -> str:
        """Why the last attempt failed, for administrators in their language ("" if none)."""
        return described(ERROR_NAMES, self.error_code, self.last_error)
