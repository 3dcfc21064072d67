"""Calendar feeds: the caller's list, create (the subscription URL is shown once), rotate
and revoke, through the feed services (audited there), with the pages' rules on who may."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from scheduler.api.etags import row_or_404
from scheduler.api.idempotency.services import IDEMPOTENCY_DOC, idempotent
from scheduler.api.parsing import ApiBlueprint, refuse
from scheduler.api.representations import utc_text
from scheduler.api.resource_schemas import FeedCreateSchema, FeedListSchema, FeedSchema
from scheduler.api.writes import write_operation
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.feeds import services
from scheduler.feeds.models import Feed
from scheduler.partners.services import get_partner

bp = ApiBlueprint("api_v1_feeds", __name__, url_prefix="/api/v1", description="Feeds.")
# A response carrying a feed's secret URL is never kept by any cache.
SECRET = {"Cache-Control": "no-store"}


def feed_json(feed: Feed, token: str | None = None) -> dict:
    """The feed; with *token* (just made) its URLs too, which are never shown again."""
    body = {
        "id": feed.id,
        "scope": feed.scope,
        "partner": feed.partner.slug if feed.partner else None,
        "contact": feed.contact_id,
        "user": feed.user_id,
        "language": feed.language,
        "created_at": utc_text(feed.created_at),
        "rotated_at": utc_text(feed.rotated_at),
        "last_fetched_at": utc_text(feed.last_fetched_at),
        "fetch_count": feed.fetch_count,
    }
    if token:
        body |= {"url": services.feed_url(token), "webcal_url": services.webcal_url(token)}
    return body


def _owner(data: dict):
    """The partner, contact or user the new feed is for (None: the office)."""
    scope = data["scope"]
    if scope == "partner":
        return get_partner(data["partner"]) or refuse("partner", "invalid")
    if scope == "contact":
        contact = db.session.get(Contact, data["contact"])
        if contact is None or contact.erased_at is not None:
            refuse("contact", "invalid")
        return contact
    return current_user._get_current_object() if scope == "user" else None


def _managed_feed(feed_id: int) -> Feed:
    """A live feed the caller may rotate or revoke: someone's own feed only by them or an
    administrator (as on the pages)."""
    feed = row_or_404(Feed, feed_id)
    if feed.revoked_at is not None:
        abort(404)
    if feed.scope == "user" and feed.user_id != current_user.id and current_user.role != "admin":
        abort(403)
    return feed


@bp.route("/feeds")
@bp.response(200, FeedListSchema)
def list_feeds():
    """The caller's live feeds: those they made and their own, newest first."""
    mine = sa.or_(Feed.created_by_id == current_user.id, Feed.user_id == current_user.id)
    query = sa.select(Feed).where(mine, Feed.revoked_at.is_(None))
    feeds = db.session.scalars(query.order_by(Feed.created_at.desc(), Feed.id.desc()))
    return {"items": [feed_json(feed) for feed in feeds]}


@bp.route("/feeds", methods=["POST"])
@bp.doc(**IDEMPOTENCY_DOC)
@write_operation
@idempotent
@bp.arguments(FeedCreateSchema, as_kwargs=False)
@bp.response(201, FeedSchema)
def create_feed(data: dict):
    """A new feed of a partner, a contact, the caller or the office (write scope). The
    answer holds its URL: the only time it is shown."""
    owner = _owner(data)
    feed, token = services.create_feed(data["scope"], owner, current_user, data.get("language"))
    return feed_json(feed, token), 201, SECRET


@bp.route("/feeds/<int:feed_id>/rotate", methods=["POST"])
@write_operation
@bp.response(200, FeedSchema)
def rotate_feed(feed_id: int):
    """A new URL for the feed; the old one stops working (write scope)."""
    feed = _managed_feed(feed_id)
    token = services.rotate_feed(feed)
    return feed_json(feed, token), 200, SECRET


@bp.route("/feeds/<int:feed_id>/revoke", methods=["POST"])
@write_operation
@bp.response(204)
def revoke_feed(feed_id: int):
    """Switch the feed off for good: its URL answers 404 from now on (write scope)."""
    services.revoke_feed(_managed_feed(feed_id))
    return "", 204
