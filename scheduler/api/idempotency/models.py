"""The first answer to a create request sent with an Idempotency-Key, kept for 24 hours."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import UTCDateTime, now_utc
from scheduler.extensions import db


class IdempotencyKey(db.Model):
    """One key of one token: what was asked (a hash) and what was answered.

    The row is inserted in the request's own transaction before anything is created, so the
    unique (token, key) pair makes a concurrent request with the same key wait and then find
    this answer; a refused request rolls its row back with everything else.
    """

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("token_id", "key", name="uq_api_idempotency_keys_token_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    # SHA-256 (hex) of method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int | None]
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary, default=b"")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
