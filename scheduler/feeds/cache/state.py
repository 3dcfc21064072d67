"""The one read of every feed request: token → feed, its cached validators, the generation.

It runs for every poll of every subscribed calendar, so it is kept lean: one statement on a
connection of its own in autocommit (no BEGIN/COMMIT round trips on PostgreSQL, no lock on
SQLite), compiled once per database and run on the driver's cursor, outside the session.
"""

import hmac
from collections import namedtuple
from functools import cache

import sqlalchemy as sa

from scheduler.db import autocommit_options
from scheduler.feeds.cache import invalidation
from scheduler.feeds.cache.connection import session_bind
from scheduler.feeds.cache.content import as_utc
from scheduler.feeds.models import Feed, FeedBody
from scheduler.feeds.tokens import is_well_formed, legacy_token_hash, rehash_legacy, token_hash


def _state_query() -> sa.Select:
    """``:lang`` is the requested language or NULL for the feed's own."""
    served = sa.func.coalesce(sa.bindparam("lang", type_=sa.String), Feed.language)
    columns = (
        Feed.id,
        Feed.token_hash,
        Feed.revoked_at,
        served.label("lang"),
        FeedBody.etag,
        FeedBody.last_modified,
        FeedBody.validated_as,
        FeedBody.valid_until,
        FeedBody.fingerprint,
        invalidation.current_generation().label("generation"),
    )
    return (
        sa.select(*columns)
        .outerjoin(FeedBody, sa.and_(FeedBody.feed_id == Feed.id, FeedBody.language == served))
        .where(Feed.token_hash == sa.bindparam("token_hash"))
    )


_STATE_QUERY = _state_query()
FeedState = namedtuple("FeedState", [column.key for column in _STATE_QUERY.selected_columns])
_TIMES = ("last_modified", "valid_until")


@cache
def _compiled(dialect: sa.Dialect):
    return _STATE_QUERY.compile(dialect=dialect)


def feed_state(token: str, lang: str | None) -> FeedState | None:
    """The active feed of *token* with its cached validators and the current change
    generation, or None (malformed, unknown, rotated or revoked token).

    etag (and the other validators) are None when nothing is cached yet. A feed still
    stored under its legacy hash is found by that and rehashed (see `scheduler.feeds.tokens`).
    """
    if not is_well_formed(token):
        return None
    current = token_hash(token)
    state = _state_by_hash(current, lang)
    legacy = legacy_token_hash(token) if state is None else None
    if legacy:
        state = _state_by_hash(legacy, lang)
        if state is not None:
            rehash_legacy(state.id, legacy, current)
    return state if state is not None and state.revoked_at is None else None


def _state_by_hash(wanted: str, lang: str | None) -> FeedState | None:
    state = _read({"token_hash": wanted, "lang": lang})
    return state if state is not None and hmac.compare_digest(state.token_hash, wanted) else None


def _read(params: dict) -> FeedState | None:
    bind = session_bind()
    if not isinstance(bind, sa.Engine):
        return _run(bind, params)
    with bind.connect() as connection:
        return _run(connection.execution_options(**autocommit_options(bind.dialect.name)), params)


def _run(connection: sa.Connection, params: dict) -> FeedState | None:
    """The compiled statement on the driver's own cursor: half the cost of a Core execute
    for this one small row; times come back as the column type would give them."""
    compiled = _compiled(connection.dialect)
    values = compiled.construct_params(params)
    if compiled.positional:
        values = [values[name] for name in compiled.positiontup]
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(compiled.string, values)
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    state = FeedState._make(row)
    times = {name: as_utc(getattr(state, name)) for name in _TIMES if getattr(state, name)}
    return state._replace(**times)
