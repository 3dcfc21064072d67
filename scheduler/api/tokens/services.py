"""Make, list, revoke and check personal API tokens.

A token is ``cnkr_`` and 43 URL-safe characters (256 random bits). The database holds only
HMAC-SHA256(API token key, token); the key is derived from SECRET_KEY under a label of its
own (`derived_key`), so a copy of the database alone cannot be turned into working tokens.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.api.tokens.models import TOKEN_SCOPES, ApiToken
from scheduler.audit.services import record
from scheduler.auth.models import User
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.security import derived_key

TOKEN_PREFIX = "cnkr_"  # noqa: S105 - a fixed marker that shows what a string is, no secret
TOKEN_PATTERN = re.compile(r"cnkr_[A-Za-z0-9_-]{43}")
API_KEY_LABEL = b"cnkr-scheduler api token key v1"  # never change: it would void every token
MAX_NAME_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
# Last use is written at most this often per token: a busy script does not write every call.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(UserError):
    """A token that cannot be made as asked (name, scope or expiry)."""


def _hash(token: str) -> str:
    return hmac.new(derived_key(API_KEY_LABEL), token.encode(), hashlib.sha256).hexdigest()


def _check(name: str, scope: str, expires_days: int | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise TokenError(_l("Give the token a name of up to 100 characters."), field="name")
    if scope not in TOKEN_SCOPES:
        raise TokenError(_l("Choose read or write access."), field="scope")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenError(
            _l("The token may be valid for 1 to 3,650 days, or without an end."),
            field="expires_days",
        )
    return name


def create_token(
    user: User, name: str, scope: str, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token of *user* and its secret, which is returned this once and never stored."""
    name = _check(name, scope, expires_days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    expires = now + timedelta(days=expires_days) if expires_days else None
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        token_hash=_hash(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=expires,
    )
    db.session.add(token)
    db.session.flush()
    record(db.session, "create", token, {"scope": scope, "user": user.email})
    return token, secret


def tokens_of(user_id: int) -> list[ApiToken]:
    """A user's tokens, the newest first (revoked and expired ones too, marked as such)."""
    query = sa.select(ApiToken).where(ApiToken.user_id == user_id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def revoke_token(token: ApiToken) -> None:
    """Stop *token* at once (with this transaction's commit); revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        db.session.flush()
        record(db.session, "revoke", token)


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    """'active', 'expired' or 'revoked' (revoked wins: it was a person's decision)."""
    now = now or now_utc()
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_usable(now) else "expired"


def authenticate(secret: str) -> ApiToken | None:
    """The usable token for *secret* whose user is active, or None, whatever the reason:
    malformed, unknown, revoked, expired or a deactivated user (the caller says no more)."""
    if not TOKEN_PATTERN.fullmatch(secret or ""):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    now = now_utc()
    if token is None or not token.is_usable(now) or not token.user.is_active_user:
        return None
    return token


def note_use(token: ApiToken) -> bool:
    """Set *token*'s last use to now, at most once a LAST_USED_PRECISION; True when it did
    (the caller keeps the change even on a GET)."""
    now = now_utc()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return False
    token.last_used_at = now
    db.session.flush()
    return True
