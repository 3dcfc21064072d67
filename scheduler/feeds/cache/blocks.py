"""A feed's body from its event blocks, each taken from the nearest cache that holds it.

This process's copies (`memory.blocks`) come first, then the block table every worker shares
(`feed_event_blocks`); only a block found in neither, or found in an older version, is
rendered, and then stored in both. A block's version names the state of its meeting and of
everything else it shows, so a copy is never served stale.
"""

import sqlalchemy as sa

from scheduler.db import upsert
from scheduler.extensions import db
from scheduler.feeds.cache import memory
from scheduler.feeds.cache.content import Snapshot, as_utc
from scheduler.feeds.cache.render import (
    Variant,
    block_versions,
    calendar_head,
    ordered_keys,
    render_blocks,
    vtimezone_block,
)
from scheduler.feeds.models import Feed, FeedEventBlock
from scheduler.invites.vtimezone import first_year_of


def event_blocks(snap: Snapshot, variant: Variant) -> list[bytes]:
    """Every VEVENT block of the feed in order, UTF-8: this process's copies first, then the
    shared block cache for the rest, and only blocks found in neither (or stale) rendered."""
    wanted = block_versions(snap, variant)
    blocks = memory.blocks.current({key: version for key, (version, *_rest) in wanted.items()})
    missing = {k: v for k, v in wanted.items() if k not in blocks}
    if missing:
        stored = _stored_blocks(missing)
        rendered = render_blocks({k: v for k, v in missing.items() if k not in stored}, variant)
        _store_blocks({key: (wanted[key][0], block) for key, block in rendered.items()})
        found = {key: block.encode("utf-8") for key, block in (stored | rendered).items()}
        memory.blocks.put_many({key: (wanted[key][0], block) for key, block in found.items()})
        blocks |= found
    return [blocks[key] for key in ordered_keys(snap, wanted)]


def _stored_blocks(missing: dict) -> dict[str, str]:
    """The shared cache's blocks among *missing* whose version is the one wanted."""
    query = sa.select(FeedEventBlock.cache_key, FeedEventBlock.version, FeedEventBlock.block)
    rows = db.session.connection().execute(query.where(FeedEventBlock.cache_key.in_(list(missing))))
    return {key: block for key, version, block in rows if missing[key][0] == version}


def _store_blocks(blocks: dict[str, tuple[str, str]]) -> None:
    """Upsert rendered blocks in one statement; a concurrent writer of the same key wrote the
    same content or a newer version."""
    rows = [{"cache_key": k, "version": v, "block": b} for k, (v, b) in blocks.items()]
    upsert(db.session, FeedEventBlock.__table__, rows, ["cache_key"])


def feed_body(feed: Feed, lang: str, zone: str, snap: Snapshot) -> bytes:
    """The finished feed: head, one VTIMEZONE per zone used, events, END; UTF-8, CRLF."""
    blocks = event_blocks(snap, Variant(feed, lang, zone))
    zones = sorted({row.timezone for row in snap.rows} | {s.timezone for s in snap.series})
    first_year = first_year_of(_starts(snap))
    head = "".join([calendar_head(feed, lang), *(vtimezone_block(z, first_year) for z in zones)])
    return b"".join([head.encode("utf-8"), *blocks, b"END:VCALENDAR\r\n"])


def _starts(snap: Snapshot):
    """The earliest start among the rows (sorted by start) and each series' first start."""
    if snap.rows:
        yield as_utc(snap.rows[0].start_dt)
    yield from (as_utc(series.first_start) for series in snap.series if series.first_start)
