"""Audit log entries. Written by scheduler.audit.services, never edited."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import UTCDateTime, now_utc
from scheduler.extensions import db

AUDIT_ACTIONS = (
    "create",
    "update",
    "deactivate",
    "activate",
    "login",
    "logout",
    "import",
    "login_backoff",
)
# The actions the log page offers as filters, with their labels.
ACTION_NAMES = {
    # NOTE: the action "created" in the audit log, not a date column.
    "create": _lp("action", "Created"),
    "update": _l("Changed"),
    "deactivate": _l("Deactivated"),
    "activate": _l("Reactivated"),
    "login": _l("Signed in"),
    "import": _l("Imported"),
    "login_backoff": _l("Sign-ins slowed down"),
}
# Shown but not offered as filters: written by other parts of the app.
OTHER_ACTION_NAMES = {
    "logout": _l("Signed out"),
    "delete": _l("Deleted"),
    "personal_data": _l("Personal data produced"),
    "erase": _l("Personal data erased"),
    "warnings_confirmed": _l("Confirmed despite warnings"),
    "poll_opened": _l("Time poll opened"),
    "poll_answer": _l("Time poll answered"),
    "poll_closed": _l("Time poll closed"),
    "poll_withdrawn": _l("Time poll withdrawn"),
}


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(sa.String(200), default="")
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    # User (auth) is in a package above this one: named as text, never imported (not even
    # for type checkers), so the layers hold.
    user = relationship("User")
