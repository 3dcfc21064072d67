"""Mail to the administrators about a sign-in back-off (sent by auth through a signal)."""

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.auth.models import User
from scheduler.auth.signals import login_backoff
from scheduler.extensions import db
from scheduler.invites.notices import absolute_url, staff_message
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.recipients import user_recipient

MAIL_KIND = "login_backoff"


def _active_admins() -> list[User]:
    query = sa.select(User).where(User.role == "admin", User.is_active_user.is_(True))
    return list(db.session.scalars(query.order_by(User.id)))


def on_login_backoff(user: User, failures: int = 0, minutes: int = 0) -> None:
    """Queue one mail per active administrator, each in their language (the caller's
    transaction keeps them with the audit entry)."""
    for admin in _active_admins():
        recipient = user_recipient(admin)
        if recipient is None:
            continue
        with force_locale(recipient.language):
            context = {
                "recipient": recipient,
                "account": user.email,
                "failures": failures,
                "minutes": minutes,
                "audit_url": absolute_url("audit.list_entries"),
            }
            subject = _("Many failed sign-ins for %(email)s", email=user.email)
            message = staff_message(recipient, "login_backoff", subject, context)
            enqueue(message, kind=MAIL_KIND)


def register_admin_listeners(app) -> None:
    """Connect the receiver (idempotent: tests build many apps)."""
    login_backoff.connect(on_login_backoff, weak=False)
