"""One counted event of a rate limit (the database store; Redis keeps its own keys)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import UTCDateTime, now_utc
from scheduler.extensions import db


class LimitHit(db.Model):
    """An event counted under *key* (a hash, see `limit_key`) until *expires_at*."""

    __tablename__ = "limit_hits"
    __table_args__ = (sa.Index("ix_limit_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # When the row no longer counts under any window: what the periodic purge deletes.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
