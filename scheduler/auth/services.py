"""Accounts: creation and password checks (the failed sign-in limits: throttle.py)."""

import re
import secrets
from functools import cache

import sqlalchemy as sa
from flask import current_app, request
from flask_login import login_user
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.audit.services import record
from scheduler.auth.models import User
from scheduler.availability.hours import default_hours_for_zone, format_hours
from scheduler.db import now_utc
from scheduler.extensions import db, login_manager
from scheduler.sides import OFFICE_ZONE

# The password rules of every way in (forms, the admin's reset, the CLI).
MIN_PASSWORD = 8
MAX_PASSWORD = 200


# Both numbers fit the integer columns they are compared with (no overflow on PostgreSQL).
_IDENTITY = re.compile(r"(?P<id>[0-9]{1,9}):(?P<version>[0-9]{1,9})")


def register_user_loader() -> None:
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_user)


def _load_user(identity: str) -> User | None:
    """The active user named by a session or remember-me identity (`User.get_id`), or None
    when it is malformed, of an older session version (revoked), or of an older release
    (a bare id: such cookies predate revocation, so they are refused once)."""
    match = _IDENTITY.fullmatch(identity)
    if match is None:
        return None
    user = db.session.get(User, int(match["id"]))
    if user is None or not user.is_active_user or user.session_version != int(match["version"]):
        return None
    return user


def revoke_sessions(user: User) -> None:
    """Sign *user* out everywhere: every session and remember-me cookie issued so far stops
    working on its next request (flushes; the request's commit point keeps it)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def renew_own_session(user: User) -> None:
    """After `revoke_sessions` on the signed-in *user* themselves: sign this browser in again
    under the new version, with a new remember-me cookie if it had one; every other session
    of theirs stays revoked."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remember_cookie in request.cookies)


def generate_password() -> str:
    """A random password that is easy to read out over the phone."""
    return secrets.token_urlsafe(12)


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, password: str, role: str, **fields) -> User:
    """Add a user (flushes, does not commit). Working hours default to the zone's office hours."""
    fields.setdefault("timezone", OFFICE_ZONE)
    if not fields.get("working_hours"):
        fields["working_hours"] = format_hours(default_hours_for_zone(fields["timezone"]))
    user = User(email=email.strip().lower(), role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


@cache
def dummy_password_hash() -> str:
    """A hash of a random password, made once per process with the method and cost of
    `User.set_password` (werkzeug's default): what an unknown e-mail's password is checked
    against, so that it costs the same time as a known one's."""
    return generate_password_hash(secrets.token_urlsafe(24))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None.

    Every attempt checks exactly one password hash: the user's, or for an unknown e-mail or
    an inactive user the dummy one, so the answer's timing does not tell which e-mails exist.
    """
    user = find_user(email)
    usable = user is not None and user.is_active_user
    matches = check_password_hash(user.password_hash if usable else dummy_password_hash(), password)
    return user if usable and matches else None


def note_login(user: User) -> None:
    user.last_login_at = now_utc()
    record(db.session, "login", user)
