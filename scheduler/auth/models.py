"""Staff users (their failed sign-ins are counted by scheduler.limits)."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.db import TimestampMixin, UTCDateTime
from scheduler.extensions import db
from scheduler.people import register_kind
from scheduler.sides import LANGUAGES, OFFICE_ZONE

ROLES = ("admin", "coordinator", "viewer")
EDITOR_ROLES = ("admin", "coordinator")  # may change things; a viewer only reads
# The same SQL text as the migration wrote, built from the one list of languages.
_KNOWN_LANGUAGES = ", ".join(f"'{code}'" for code in LANGUAGES)
ROLE_NAMES = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "viewer": _l("Viewer"),
}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'coordinator', 'viewer')", name="role_known"),
        sa.CheckConstraint(
            f"locale IS NULL OR locale IN ({_KNOWN_LANGUAGES})", name="locale_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    name_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    role: Mapped[str] = mapped_column(sa.String(20), default="viewer")
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    timezone: Mapped[str] = mapped_column(sa.String(64), default=OFFICE_ZONE)
    working_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active_user: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login identity (`get_id`): raising it refuses every session cookie and
    # remember-me cookie issued before (sign-out everywhere, password or role change).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """The login identity Flask-Login stores in the session and remember-me cookies:
        ``"<id>:<session_version>"`` (the user loader accepts it only while both match)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_user

    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    def audit_label(self) -> str:
        return self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


register_kind("user", User)
