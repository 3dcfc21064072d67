"""/healthz: is this installation doing its work? Each check says ok or not, with figures.

Checks: the database answers; its migration is the code's head; a scheduler process beat
recently; the outbox is not backing up; the mail, upload and feed-cache folders have room.
Any failing check makes the answer 503. Nothing secret is reported (no URL, path or error
text): the endpoint needs no login. Thresholds are settings (HEALTH_*).
"""

import logging
import shutil
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from scheduler.db import now_utc
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.ops import reading_connection
from scheduler.ops.heartbeat import newest_beat
from scheduler.outage import is_database_outage

log = logging.getLogger(__name__)
WAITING = ("pending", "sending")
FOLDERS = {"mail": "MAIL_FOLDER", "uploads": "UPLOAD_FOLDER", "feed_cache": "FEED_CACHE_FOLDER"}


@lru_cache(maxsize=4)
def _heads(directory: str) -> tuple[str, ...]:
    """The migration heads of the code (read once per process: they change with a deploy)."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def migration_heads() -> tuple[str, ...]:
    return _heads(current_app.extensions["migrate"].directory)


def _seconds(later, earlier) -> int | None:
    return None if earlier is None else max(0, int((later - earlier).total_seconds()))


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _migrations(connection: sa.Connection, now) -> dict:
    current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    heads = migration_heads()
    return {"ok": current == heads, "current": list(current), "head": list(heads)}


def _scheduler(connection: sa.Connection, now) -> dict:
    age = _seconds(now, newest_beat(connection))
    limit = _setting("HEALTH_HEARTBEAT_MAX_AGE_SECONDS")
    return {"ok": age is not None and age <= limit, "heartbeat_age_seconds": age}


def _outbox(connection: sa.Connection, now) -> dict:
    outbox = OutboxMessage.__table__.c
    waiting = sa.select(sa.func.count(), sa.func.min(outbox.created_at))
    backlog, oldest = connection.execute(waiting.where(outbox.status.in_(WAITING))).one()
    failed = connection.scalar(sa.select(sa.func.count()).where(outbox.status == "failed"))
    age = _seconds(now, oldest)
    return {
        "ok": backlog <= _setting("HEALTH_OUTBOX_MAX_BACKLOG")
        and (age or 0) <= _setting("HEALTH_OUTBOX_MAX_AGE_SECONDS"),
        "backlog": backlog,
        "oldest_pending_age_seconds": age,
        "failed": failed,
    }


# Each check and what it reports when it cannot be made (the same keys, figures unknown).
DATABASE_CHECKS = {
    "migrations": (_migrations, {"ok": False, "current": None, "head": None}),
    "scheduler": (_scheduler, {"ok": False, "heartbeat_age_seconds": None}),
    "outbox": (
        _outbox,
        {"ok": False, "backlog": None, "oldest_pending_age_seconds": None, "failed": None},
    ),
}


def _reachable() -> bool:
    try:
        with reading_connection() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        if not is_database_outage(error):
            raise
        return False
    return True


def _database_checks(now) -> dict:
    """The checks that read the database, each on a connection of its own: one that fails
    (a table a pending migration adds) fails alone."""
    if not _reachable():
        checks = {"database": {"ok": False}}
        checks.update({name: dict(unknown) for name, (_, unknown) in DATABASE_CHECKS.items()})
    else:
        checks = {"database": {"ok": True}}
        for name, (check, unknown) in DATABASE_CHECKS.items():
            try:
                with reading_connection() as connection:
                    checks[name] = check(connection, now)
            except sa.exc.SQLAlchemyError as error:
                log.warning("health check %s failed: %s", name, type(error).__name__)
                checks[name] = dict(unknown)
    if checks["migrations"]["head"] is None:
        checks["migrations"]["head"] = list(migration_heads())
    return checks


def free_bytes(folder: Path) -> int:
    """Free space where *folder* is (or would be made: its nearest existing parent)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def _disk() -> dict:
    least = _setting("HEALTH_MIN_FREE_BYTES")
    folders = {}
    for key, setting in FOLDERS.items():
        free = free_bytes(Path(current_app.config[setting]))
        folders[key] = {"ok": free >= least, "free_bytes": free}
    return {"ok": all(f["ok"] for f in folders.values()), **folders}


def report() -> dict:
    """Every check and the overall status ("ok" or "failing")."""
    checks = _database_checks(now_utc())
    checks["disk"] = _disk()
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "failing", "checks": checks}
