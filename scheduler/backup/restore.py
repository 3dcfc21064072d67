"""`backup restore`: into an empty database and uploads folder, then migrate, reindex and
make every running worker re-read its feeds."""

from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from scheduler.backup import manifest, uploads
from scheduler.backup.errors import BackupError
from scheduler.backup.stores import store_of
from scheduler.backup.verify import verify
from scheduler.extensions import db
from scheduler.feeds.cache.invalidation import restart_generation
from scheduler.history.reports.changes import bump as bump_statistics_version
from scheduler.history.search.index import reindex
from scheduler.invites.outbox.models import OutboxMessage


def _head_if_older(revision: str | None) -> str | None:
    """The head to migrate to when *revision* is older than it, None when it is the head;
    BackupError when this version of the app does not know *revision*."""
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    scripts = ScriptDirectory.from_config(config)
    try:
        known = revision is not None and scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"The backup's migration {revision} is unknown to this version of the app "
            "(made by a newer one?): restore it with the version that made it."
        )
    head = scripts.get_current_head()
    return None if revision == head else head


def _check_empty(store, folder: Path) -> None:
    tables = store.existing_tables(db.engine)
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"The database is not empty ({len(tables)} tables: {shown}). Restore only into a "
            "new, empty database: create one (or drop this one) and run restore again."
        )
    if not uploads.is_empty(folder):
        raise BackupError(
            f"The uploads folder {folder} is not empty. Restore only into an empty "
            "UPLOAD_FOLDER: move its files away and run restore again."
        )


def _check_loaded(info: manifest.Manifest) -> None:
    with db.engine.connect() as connection:
        _revision, found = manifest.database_state(connection)
    problems = manifest.count_problems(info.counts, found)
    if problems:
        raise BackupError("The restored database differs from the manifest: " + "; ".join(problems))


def restore(directory: Path) -> list[str]:
    """Restore the backup in *directory*; the lines to print. Nothing is touched unless the
    backup verifies and the database and uploads folder are empty."""
    verdict = verify(directory)
    if not verdict.ok:
        problems = [line for line in verdict.lines[1:-1]]
        raise BackupError("The backup does not verify; nothing restored: " + "; ".join(problems))
    info, store = verdict.manifest, store_of(db.engine)
    if info.database != store.KIND:
        raise BackupError(f"This is a {info.database} backup; the database is {store.KIND}.")
    head = _head_if_older(info.alembic_revision)
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    _check_empty(store, folder)
    store.load(directory / store.DUMP, db.engine)
    db.engine.dispose()  # no pooled connection keeps the empty database's schema
    _check_loaded(info)
    files = uploads.copy_in(directory, list(info.files), folder)
    lines = [
        f"database: restored, migration {info.alembic_revision}",
        f"counts: {len(info.counts)} tables as in the manifest",
        f"uploads: {files} files",
    ]
    if head is not None:
        flask_migrate.upgrade()
        lines.append(f"migrated: {info.alembic_revision} to {head}")
    return lines + _after_load()


def _after_load() -> list[str]:
    """Rebuild the search index, raise the feed generation past every running worker's, draw
    a new statistics version and hold the mail that was not yet sent at backup time."""
    connection = db.session.connection()
    indexed = reindex(connection)
    generation = restart_generation(connection)
    bump_statistics_version(connection)  # the rows changed under the hooks that would
    held = hold_unsent_mail()
    db.session.commit()
    return [
        f"search index: {indexed} meetings indexed",
        f"feeds: change generation now {generation}; running workers re-read every feed",
        f"outbox: {held} messages not sent at backup time held as failed; send again on the "
        "outgoing-mail page only what did not go out",
    ]


def hold_unsent_mail() -> int:
    """Mark mail still waiting or being sent at backup time as failed ("restored"): it may
    have gone out since, and nothing may be sent twice; staff send again what did not."""
    unsent = OutboxMessage.status.in_(("pending", "sending"))
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(unsent)
        .values(status="failed", error_code="restored", last_error="", claimed_by=None)
    )
    return result.rowcount
