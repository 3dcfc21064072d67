"""`backup create`: database, uploads and manifest, while the app keeps writing."""

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from scheduler.backup import manifest, uploads
from scheduler.backup.errors import BackupError
from scheduler.backup.stores import store_of
from scheduler.extensions import db


def _prepare(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} exists and is not an empty folder: choose a new one.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)  # a backup holds personal data


def create(out: Path) -> list[str]:
    """Write a backup into *out* (a new or empty folder); the lines to print.

    Upload files are copied before and after the database snapshot: an attachment's file is
    written before its row commits and removed only after its deletion commits, so every
    row of the snapshot has its file in one of the two passes (short of a file uploaded and
    deleted again within the seconds of the snapshot).
    """
    _prepare(out)
    engine, folder = db.engine, Path(current_app.config["UPLOAD_FOLDER"])
    store = store_of(engine)
    copied = uploads.copy_out(folder, out)
    revision, counts = store.snapshot(engine, out)
    copied |= uploads.copy_out(folder, out, skip=copied)
    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    info = manifest.Manifest(manifest.app_version(), created, store.KIND, revision, counts)
    manifest.write(out, info)
    return [
        f"database: {store.KIND}, migration {revision}, {len(counts)} tables, "
        f"{sum(counts.values())} rows",
        f"uploads: {len(copied)} files",
        f"backup written to {out}",
    ]
