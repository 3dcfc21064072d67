"""One feed's body now: the stored one while it is current, else rebuilt from its contents.

A body is current while the change generation and the feed rules it was validated against
still hold and time alone has not changed it (`is_current`); then it is the file on disk
named by its ETag. Otherwise the contents are fingerprinted, and only a new fingerprint
makes a new body (from the block caches, rendering only changed events).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy.orm import joinedload

from scheduler.db import upsert
from scheduler.extensions import db
from scheduler.feeds.cache import content, files
from scheduler.feeds.cache.blocks import feed_body
from scheduler.feeds.cache.connection import use_autocommit
from scheduler.feeds.cache.state import FeedState
from scheduler.feeds.models import Feed, FeedBody
from scheduler.sides import CHINA, PARTNER_ZONE

# The calendar's title names a partner feed's partner: loaded with the feed.
_FEED_LOADERS = [joinedload(Feed.partner)]


@dataclass(frozen=True)
class Served:
    """What a feed request answers with: validators, the stored body's path and the body
    opened for reading (None for a 304, which needs no body)."""

    etag: str
    last_modified: datetime
    path: Path | None
    stream: BinaryIO | None = None


def reader_zone(feed: Feed, lang: str) -> str:
    """The zone whose clock comes first in descriptions: the owner's, else the language's side."""
    owner = feed.partner or feed.contact or feed.user
    if owner is not None and getattr(owner, "timezone", None):
        return owner.timezone
    return current_app.config["OFFICE_TIMEZONE"] if lang == CHINA.language else PARTNER_ZONE


def validation_key(generation) -> str:
    """What a body is checked against: the change generation and the feed rules."""
    return f"{generation}|{content.rules_key()}"


def is_current(state: FeedState, now: datetime) -> bool:
    """True when *state*'s cached body is certainly what a rebuild would make now."""
    if state.etag is None or state.generation is None:
        return False
    if state.validated_as != validation_key(state.generation):
        return False
    return state.valid_until is None or now < state.valid_until


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


def current_body(feed: Feed, state: FeedState, now: datetime) -> Served:
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
        body = feed_body(feed, lang, reader_zone(feed, lang), snap)
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        stream = files.stored_body(feed.id, lang, etag, body)
    validators = {
        "fingerprint": snap.fingerprint,
        "etag": etag,
        "last_modified": _last_modified(snap, stored, etag, now),
        "valid_until": snap.valid_until,
        "validated_as": validation_key(state.generation),
    }
    if stored is None or any(getattr(stored, k) != v for k, v in validators.items()):
        row = {"feed_id": feed.id, "language": lang, **validators}
        upsert(db.session, FeedBody.__table__, [row], ["feed_id", "language"])
    path = files.body_path(feed.id, lang, etag)
    return Served(etag, validators["last_modified"], path, stream)


def served_for(state: FeedState, now: datetime) -> Served:
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
    use_autocommit()
    return current_body(db.session.get(Feed, state.id, options=_FEED_LOADERS), state, now)
