"""`backup verify`: checksums, the database file opens and is sound, the counts agree."""

from dataclasses import dataclass
from pathlib import Path

from scheduler.backup import manifest
from scheduler.backup.stores import store_named


@dataclass
class Verdict:
    """What `verify` found: the manifest, the lines to print, and whether all is well."""

    manifest: manifest.Manifest
    lines: list[str]
    ok: bool


def verify(directory: Path) -> Verdict:
    """Check the backup in *directory* (BackupError when it has no readable manifest)."""
    info = manifest.read(directory)
    store = store_named(info.database)
    lines = [
        f"backup of {info.created_at}: {info.database}, migration {info.alembic_revision}, "
        f"app {info.app_version}"
    ]
    problems = manifest.file_problems(directory, info)
    lines += problems or [f"checksums: {len(info.files)} files match"]
    dump = directory / store.DUMP
    if store.DUMP not in info.files:
        problems.append(f"the manifest lists no {store.DUMP}")
        lines.append(problems[-1])
    elif not problems:
        problems += _database_problems(store, dump, info)
        lines += problems or [
            f"database: {store.CHECKED}",
            f"counts: {len(info.counts)} tables as in the manifest",
        ]
    lines.append("FAILED" if problems else "OK")
    return Verdict(info, lines, not problems)


def _database_problems(store, dump: Path, info: manifest.Manifest) -> list[str]:
    trouble = store.check(dump)
    if trouble is not None:
        return [f"database: {trouble}"]
    return manifest.count_problems(info.counts, store.dump_counts(dump, list(info.counts)))
