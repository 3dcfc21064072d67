"""Create, rotate and revoke feeds; serve one feed's body with its validators; count fetches."""

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from scheduler.audit.services import record
from scheduler.db import autocommit_options, now_utc, upsert
from scheduler.extensions import db
from scheduler.feeds import content, files, render
from scheduler.feeds.models import FEED_LANGUAGES, Feed, FeedBody
from scheduler.feeds.state import session_bind
from scheduler.feeds.tokens import new_token, token_hash


class FeedError(Exception):
    """A feed cannot be made as asked; *message* is translated for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def default_language(scope: str, owner=None) -> str:
    """Korean for partners and contacts (a contact's own choice if set), the user's for staff."""
    if scope == "contact" and owner is not None:
        return owner.language or "ko"
    if scope in ("user", "office"):
        locale = owner.locale if owner is not None else None
        return locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return "ko"


def create_feed(scope: str, owner, created_by, language: str | None = None) -> tuple[Feed, str]:
    """A new feed for *owner* (Partner, Contact, User; None for the office) and its token.

    The token is returned once and never stored; only its keyed hash is.
    """
    language = language or default_language(scope, created_by if scope == "office" else owner)
    if language not in FEED_LANGUAGES:
        raise FeedError("unknown language")
    token = new_token()
    feed = Feed(scope=scope, language=language, token_hash=token_hash(token),
                created_by=created_by)  # fmt: skip
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


def reader_zone(feed: Feed, lang: str) -> str:
    """The zone whose clock comes first in descriptions: the owner's, else the language's side."""
    owner = feed.partner or feed.contact or feed.user
    if owner is not None and getattr(owner, "timezone", None):
        return owner.timezone
    return current_app.config["OFFICE_TIMEZONE"] if lang == "zh" else "Asia/Seoul"


def _seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _last_modified(snap, previous, etag: str, now: datetime) -> datetime:
    """The newest change; when the bytes changed without a newer change time (a meeting
    deleted, moved out of scope, or aged out), the moment the change was first seen.
    *previous* holds the stored etag and last_modified (None: nothing stored yet)."""
    newest = _seconds(snap.newest_change or now)
    if previous is None:
        return newest
    if previous.etag == etag:
        return previous.last_modified
    if newest > previous.last_modified:
        return newest
    return max(_seconds(now), previous.last_modified + timedelta(seconds=1))


# The calendar's title names a partner feed's partner: loaded with the feed.
_FEED_LOADERS = [joinedload(Feed.partner)]


def validation_key(generation) -> str:
    """What a body is checked against: the change generation and the feed rules."""
    return f"{generation}|{content.rules_key()}"


def is_current(state, now: datetime) -> bool:
    """True when *state*'s cached body is certainly what a rebuild would make now."""
    if state.etag is None or state.generation is None:
        return False
    if state.validated_as != validation_key(state.generation):
        return False
    return state.valid_until is None or now < state.valid_until


@dataclass(frozen=True)
class Served:
    """What a feed request answers with: validators, the stored body's path and the body
    opened for reading (None for a 304, which needs no body)."""

    etag: str
    last_modified: datetime
    path: Path
    stream: BinaryIO | None = None


def current_body(feed: Feed, state, now: datetime) -> Served:
    """The feed's body and validators now (*state* as `feed_state` read it); the validators
    row is written when they changed.

    Comparing fingerprints of the current data makes the cache exact: any change of a
    meeting, series, partner name or membership gives a new fingerprint in the same request.
    The generation in *state* was read before the data: a change committed in between then
    only causes one more check later, never a stale body.
    """
    lang, stored = state.lang, state if state.etag is not None else None
    snap = content.snapshot(feed, lang, now, state.generation)
    stream = None
    if stored is not None and stored.fingerprint == snap.fingerprint:
        etag = stored.etag
        stream = files.open_body(files.body_path(feed.id, lang, etag))
    if stream is None:
        body = render.feed_body(feed, lang, reader_zone(feed, lang), snap)
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        stream = files.open_body(files.store(feed.id, lang, etag, body))
    validators = {"fingerprint": snap.fingerprint, "etag": etag,
                  "last_modified": _last_modified(snap, stored, etag, now),
                  "valid_until": snap.valid_until,
                  "validated_as": validation_key(state.generation)}  # fmt: skip
    if stored is None or any(getattr(stored, k) != v for k, v in validators.items()):
        row = {"feed_id": feed.id, "language": lang, **validators}
        upsert(db.session, FeedBody.__table__, [row], ["feed_id", "language"])
    path = files.body_path(feed.id, lang, etag)
    return Served(etag, validators["last_modified"], path, stream)


def served_for(state, now: datetime) -> Served:
    """What to answer for *state*: its stored body when that is current and still on disk,
    else `current_body` (re-joined from cached blocks, re-rendered where the data changed),
    checked against the generation *state* read before any of that data.

    A rebuild runs in autocommit: every read is checked against that generation and each
    write (blocks, validators) stands alone, so no transaction is needed; PostgreSQL is
    spared BEGIN/COMMIT round trips and SQLite's write lock is held only by the writes.
    """
    if is_current(state, now):
        path = files.body_path(state.id, state.lang, state.etag)
        stream = files.open_body(path)
        if stream is not None:
            return Served(state.etag, state.last_modified, path, stream)
    bind = session_bind()
    if isinstance(bind, sa.Engine):  # (the tests' connection is in a transaction already)
        db.session.connection(execution_options=autocommit_options(bind.dialect.name))
    return current_body(db.session.get(Feed, state.id, options=_FEED_LOADERS), state, now)


class FetchCounter:
    """Fetch statistics without a write per request: counts gather in memory and are written
    at most once per feed every FEED_FETCH_WRITE_SECONDS (the first fetch in a process writes
    at once). A worker that dies loses at most that many seconds of counts."""

    def __init__(self):
        self._pending: dict[int, list] = {}
        self._written: dict[int, float] = {}
        self._lock = threading.Lock()

    def _take_due(self, feed_id: int, user_agent: str, at: datetime, every: float):
        now = time.monotonic()
        with self._lock:
            count, _old_at, _old_ua = self._pending.get(feed_id, (0, at, ""))
            self._pending[feed_id] = [count + 1, at, user_agent]
            if now - self._written.get(feed_id, float("-inf")) < every:
                return None
            self._written[feed_id] = now
            return self._pending.pop(feed_id)

    def add(self, feed_id: int, user_agent: str) -> None:
        """Count one fetch; write the gathered counts when this feed's turn has come."""
        every = float(current_app.config.get("FEED_FETCH_WRITE_SECONDS", 300))
        due = self._take_due(feed_id, (user_agent or "")[:300], now_utc(), every)
        if due is None:
            return
        count, at, agent = due
        db.session.execute(
            sa.update(Feed).where(Feed.id == feed_id).values(
                fetch_count=Feed.fetch_count + count, last_fetched_at=at, last_user_agent=agent
            )
        )  # fmt: skip

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._written.clear()


fetch_counter = FetchCounter()
