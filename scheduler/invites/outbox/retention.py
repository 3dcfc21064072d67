"""Retention of sent mail: bodies are purged after MAIL_RETENTION_DAYS, metadata kept.

A message holds names, addresses and join links; the office keeps only what it needs to answer
"what did we send to whom and when" (recipient, subject, kind, dates, status). Counted from
sending; a message that failed for good is counted from when it was queued, so the body of a
bounce is not kept for ever either (until then staff can still inspect and resend it).
Waiting messages and those being sent are never purged: they are still to be delivered.
The file transport's folder (MAIL_FOLDER) holds copies of sent mail: its `.eml` files older
than the same limit are removed too.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage

BATCH = 500  # rows purged per statement; a first run on an old outbox stays bounded


@dataclass
class PurgeResult:
    """What a purge removed: the outbox rows whose body went, and the files deleted."""

    message_ids: list[int] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def purge_body(row: OutboxMessage, now: datetime | None = None) -> None:
    """Forget *row*'s body (flushes, never commits); subject, dates and status stay."""
    if row.body_purged_at is None:
        row.raw, row.body_purged_at = b"", now or now_utc()
        db.session.flush()


def _expired(cutoff: datetime):
    sent = sa.and_(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff)
    failed = sa.and_(OutboxMessage.status == "failed", OutboxMessage.created_at < cutoff)
    return sa.and_(OutboxMessage.body_purged_at.is_(None), sa.or_(sent, failed))


def purge_expired_bodies(now: datetime, days: int) -> list[int]:
    """Purge the bodies of messages past the retention limit; their ids, lowest first."""
    cutoff = now - timedelta(days=days)
    ids = list(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(_expired(cutoff)).order_by(OutboxMessage.id)
        )
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(chunk), _expired(cutoff))
            .values(raw=b"", body_purged_at=now)
        )
    return ids


def purge_old_files(folder: Path, now: datetime, days: int) -> list[str]:
    """Delete the `.eml` files in *folder* last written before the limit; their names, sorted."""
    if not folder.is_dir():
        return []
    cutoff = (now - timedelta(days=days)).timestamp()
    removed = []
    for path in folder.glob("*.eml"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # another process purged it first
            continue
    return sorted(removed)


def purge_expired(now: datetime | None = None, days: int | None = None) -> PurgeResult:
    """Apply MAIL_RETENTION_DAYS (or *days*) to the outbox and the mail folder (flushes)."""
    now = now or now_utc()
    config = current_app.config
    days = config["MAIL_RETENTION_DAYS"] if days is None else days
    ids = purge_expired_bodies(now, days)
    files = purge_old_files(Path(config["MAIL_FOLDER"]), now, days)
    return PurgeResult(ids, files)
