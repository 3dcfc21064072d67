"""A personal API token: whose it is, what it may do, and the keyed hash of its secret."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import UTCDateTime, now_utc, one_of
from scheduler.extensions import db

if TYPE_CHECKING:
    from scheduler.auth.models import User

TOKEN_SCOPES = ("read", "write")


class ApiToken(db.Model):
    """One token. Only an HMAC of the secret is stored; the secret is shown once.

    Not ``__audited__``: ``last_used_at`` changes with use; create and revoke are recorded
    explicitly (scheduler/api/tokens/services.py).
    """

    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint(one_of("scope", TOKEN_SCOPES), name="scope_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    scope: Mapped[str] = mapped_column(sa.String(10))
    # HMAC-SHA256 of the secret, hex: the lookup key (the secret itself is never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired at *now* (the user's own state is checked apart)."""
        expired = self.expires_at is not None and self.expires_at <= now
        return self.revoked_at is None and not expired

    def audit_label(self) -> str:
        return f"API token {self.id} ({self.name})"
