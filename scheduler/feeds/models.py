"""A feed (who it is for, its language, the keyed hash of its token) and its cached output."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import UTCDateTime, now_utc, one_of
from scheduler.extensions import db
from scheduler.sides import LANGUAGES

if TYPE_CHECKING:
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact
    from scheduler.partners.models import Partner

FEED_SCOPES = ("partner", "contact", "user", "office")
# Only SQLite's INTEGER PRIMARY KEY is an autoincrementing rowid (BIGINT there would not be).
_BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


class Feed(db.Model):
    """One subscription URL. Only an HMAC of the token is stored; the token is shown once.

    Not ``__audited__``: fetch statistics change often; create/rotate/revoke are recorded
    explicitly (scheduler/feeds/services.py).
    """

    __tablename__ = "feeds"
    __table_args__ = (
        sa.CheckConstraint(one_of("scope", FEED_SCOPES), name="scope_known"),
        sa.CheckConstraint(one_of("language", LANGUAGES), name="language_known"),
        sa.CheckConstraint(
            "(scope = 'partner') = (partner_id IS NOT NULL)"
            " AND (scope = 'contact') = (contact_id IS NOT NULL)"
            " AND (scope = 'user') = (user_id IS NOT NULL)",
            name="owner_matches_scope",
        ),
        sa.CheckConstraint("fetch_count >= 0", name="fetch_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(10))
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(5))
    # HMAC-SHA256 of the token, hex; the lookup key (the token itself is never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetch_count: Mapped[int] = mapped_column(default=0)
    last_user_agent: Mapped[str] = mapped_column(sa.String(300), default="")

    partner: Mapped["Partner | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def audit_label(self) -> str:
        return f"feed {self.id} ({self.scope})"


class FeedBody(db.Model):
    """A feed's validators for one language, shared by every worker.

    The bytes themselves are not stored here (rewriting a megabyte per change costs more than
    all the rest): they are the calendar head and the feed's `FeedEventBlock` rows joined,
    kept on disk by ETag (scheduler/feeds/cache/files.py) and re-joined where a file is missing.
    ``fingerprint`` hashes what the body was made from (ids and versions of its
    events).
    ``validated_as`` names the change generation (`FeedChanges`) and feed rules the body was
    last checked against, and ``valid_until`` the first moment the passing of time alone
    could change it (an event leaving or entering the window, a cancellation aging out): while
    both hold, a request serves the row without looking at a single meeting.
    """

    __tablename__ = "feed_bodies"

    feed_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    etag: Mapped[str] = mapped_column(sa.String(70))
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    validated_as: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedEventBlock(db.Model):
    """One rendered VEVENT (text between BEGIN:VEVENT and END:VEVENT, inclusive).

    ``cache_key`` names the event, language, zone and variant (join details or not);
    ``version`` says which state of the meeting it shows. A stale version is simply
    re-rendered and replaced.
    """

    __tablename__ = "feed_event_blocks"

    cache_key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(200))
    block: Mapped[str] = mapped_column(sa.Text)


class FeedChanges(db.Model):
    """One row: a counter raised in the same transaction as any change a feed could show.

    Written at commit by the session hooks in scheduler/feeds/cache/invalidation.py (never by
    hand).
    """

    __tablename__ = "feed_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class FeedChangeLog(db.Model):
    """Which meetings each raise of the generation was about, so that a worker holding a
    feed's rows re-reads only those meetings. ``meeting_id`` NULL: anything may have changed
    (a partner, a contact, a series, a staff member's name, bulk SQL): read everything again.

    Written with the generation (scheduler/feeds/cache/invalidation.py); old rows are pruned, and a
    worker that finds its generation pruned reads everything again.
    """

    __tablename__ = "feed_change_log"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    generation: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.Integer)  # no FK: deleted meetings too
