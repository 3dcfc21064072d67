"""Create, rotate and revoke feeds; their links. (Serving them: `scheduler.feeds.cache`.)"""

import sqlalchemy as sa
from flask import current_app

from scheduler.audit.services import record
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.feeds.cache import files
from scheduler.feeds.models import Feed
from scheduler.feeds.tokens import new_token, token_hash
from scheduler.sides import KOREA, LANGUAGES


class FeedError(UserError):
    """A feed cannot be made as asked; *message* is translated for the user."""


def default_language(scope: str, owner=None) -> str:
    """Korean for partners and contacts (a contact's own choice if set), the user's for staff."""
    if scope == "contact" and owner is not None:
        return owner.language or KOREA.language
    if scope in ("user", "office"):
        locale = owner.locale if owner is not None else None
        return locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return KOREA.language


def create_feed(scope: str, owner, created_by, language: str | None = None) -> tuple[Feed, str]:
    """A new feed for *owner* (Partner, Contact, User; None for the office) and its token.

    The token is returned once and never stored; only its keyed hash is.
    """
    language = language or default_language(scope, created_by if scope == "office" else owner)
    if language not in LANGUAGES:
        raise FeedError("unknown language")
    token = new_token()
    feed = Feed(scope=scope, language=language, token_hash=token_hash(token), created_by=created_by)
    if scope in ("partner", "contact", "user"):
        setattr(feed, scope, owner)
    db.session.add(feed)
    db.session.flush()
    record(db.session, "create", feed, {"scope": scope, "language": language})
    return feed, token


def rotate_feed(feed: Feed) -> str:
    """A new token for *feed*; the old link stops working with this transaction's commit."""
    token = new_token()
    feed.token_hash, feed.rotated_at = token_hash(token), now_utc()
    feed.fetch_count, feed.last_fetched_at, feed.last_user_agent = 0, None, ""
    db.session.flush()
    record(db.session, "rotate", feed)
    return token


def revoke_feed(feed: Feed) -> None:
    """Switch *feed* off for good (its link answers 404 like any unknown link)."""
    if feed.revoked_at is None:
        feed.revoked_at = now_utc()
        db.session.flush()
        record(db.session, "revoke", feed)
        files.forget(feed.id)


def feeds_of(scope: str, owner_id: int | None = None) -> list[Feed]:
    """The active feeds of one partner, contact or user (or the office's), newest first."""
    query = sa.select(Feed).where(Feed.scope == scope, Feed.revoked_at.is_(None))
    if scope != "office":
        query = query.where(getattr(Feed, f"{scope}_id") == owner_id)
    return list(db.session.scalars(query.order_by(Feed.created_at.desc(), Feed.id.desc())))


def feed_url(token: str) -> str:
    """The https (or the configured scheme's) URL of a feed; BASE_URL decides the host."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/calendars/{token}.ics"


def webcal_url(token: str) -> str:
    """The webcal:// form of the feed URL (one-click subscribe; never webcals://)."""
    return "webcal://" + feed_url(token).split("://", 1)[-1]
