"""Staff accounts: add, edit, (de)activate and reset passwords, keeping an administrator."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import User
from scheduler.auth.services import (
    MIN_PASSWORD,
    create_user,
    generate_password,
    revoke_sessions,
)
from scheduler.availability.hours import default_hours_for_zone, format_hours
from scheduler.errors import UserError
from scheduler.extensions import db

USER_FIELDS = ("email", "name_zh", "name_ko", "role", "locale", "timezone", "working_hours")


class AccountRuleError(UserError):
    """A change that would lock the office out; ``message`` is translated, ``field`` optional."""


def list_users():
    """Every account, active ones first, then by e-mail."""
    return sa.select(User).order_by(User.is_active_user.desc(), User.email)


def hours_or_default(text: str | None, zone: str) -> str:
    """*text*, or the usual office hours of *zone* (China's on the office's zone) when blank."""
    return text or format_hours(default_hours_for_zone(zone))


def _with_default_hours(data: dict) -> dict:
    return {**data, "working_hours": hours_or_default(data["working_hours"], data["timezone"])}


def add_user(data: dict, password: str | None) -> tuple[User, str | None]:
    """Create an account. Returns it and the generated password (None when one was typed)."""
    generated = None if password else generate_password()
    fields = {k: v for k, v in _with_default_hours(data).items() if k not in ("email", "role")}
    user = create_user(data["email"], password or generated, data["role"], **fields)
    return user, generated


def active_admin_count() -> int:
    query = sa.select(sa.func.count()).select_from(User)
    return db.session.scalar(query.where(User.role == "admin", User.is_active_user.is_(True)))


def _check_keeps_an_admin(user: User, acting: User) -> None:
    if user.id == acting.id:
        raise AccountRuleError(_l("You cannot remove your own administrator access."), field="role")
    if user.role == "admin" and user.is_active_user and active_admin_count() <= 1:
        raise AccountRuleError(
            _l("This is the last active administrator. Make someone else an administrator first."),
            field="role",
        )


def update_user(user: User, data: dict, acting: User) -> None:
    """Apply an edit made by *acting*. Raises AccountRuleError when no admin would be left.
    A new role signs the user out everywhere: their open pages were granted by the old one."""
    if user.role == "admin" and data["role"] != "admin":
        _check_keeps_an_admin(user, acting)
    role_changed = data["role"] != user.role
    for field, value in _with_default_hours(data).items():
        setattr(user, field, value)
    if role_changed:
        revoke_sessions(user)
    db.session.flush()


def set_user_active(user: User, active: bool, acting: User) -> None:
    """Deactivate (history kept, login refused, every session ended for good: reactivating
    does not revive them) or reactivate an account."""
    if not active:
        if user.id == acting.id:
            raise AccountRuleError(_l("You cannot deactivate your own account."))
        if user.role == "admin":
            _check_keeps_an_admin(user, acting)
        revoke_sessions(user)
    user.is_active_user = active
    db.session.flush()


def reset_password(user: User, typed: str | None) -> str:
    """Set *typed* or a generated password, signing the user out everywhere (whoever knew the
    old one may hold a session); returns the password so it can be shown once."""
    password = typed or generate_password()
    if len(password) < MIN_PASSWORD:
        raise AccountRuleError(
            _l("The password must be at least %(min)d characters long.", min=MIN_PASSWORD),
            field="new_password",
        )
    user.set_password(password)
    revoke_sessions(user)
    return password
