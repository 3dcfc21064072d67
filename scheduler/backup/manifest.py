"""manifest.json: what a backup holds and how to check it."""

import hashlib
import importlib.metadata
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from scheduler.backup.errors import BackupError
from scheduler.history.search.models import BIGRAM_TABLE

MANIFEST = "manifest.json"
FORMAT = 1
DISTRIBUTION = "cnkr-scheduler"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
CHUNK = 1 << 20


@dataclass
class Manifest:
    """The contents of manifest.json (``files``: relative path → SHA-256, hex)."""

    app_version: str
    created_at: str
    database: str
    alembic_revision: str | None
    counts: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT


def app_version() -> str:
    """The version in pyproject.toml, as installed (or read from the source tree)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return tomllib.loads(PYPROJECT.read_text())["project"]["version"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(directory: Path, manifest: Manifest) -> None:
    """Write the manifest, last of all, with checksums of every other file in *directory*."""
    names = sorted(relative_files(directory))
    manifest.files = {name: sha256(directory / name) for name in names}
    text = json.dumps(asdict(manifest), indent=2, ensure_ascii=False, sort_keys=True)
    (directory / MANIFEST).write_text(text + "\n", encoding="utf-8")
    (directory / MANIFEST).chmod(0o600)


def read(directory: Path) -> Manifest:
    """The manifest of the backup in *directory*; BackupError when missing or unreadable."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: {directory} is not a complete backup.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if manifest.format != FORMAT:
        raise BackupError(f"{path} has format {manifest.format}; this version reads {FORMAT}.")
    return manifest


def relative_files(directory: Path) -> set[str]:
    """Every regular file below *directory* but the manifest, as POSIX paths."""
    found = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    return found - {MANIFEST}


def file_problems(directory: Path, manifest: Manifest) -> list[str]:
    """What is wrong with the files of the backup (missing, changed, unexpected)."""
    problems = [f"unsafe path in the manifest: {n}" for n in manifest.files if not _safe(n)]
    present = relative_files(directory)
    for name, digest in sorted(manifest.files.items()):
        if name not in present:
            problems.append(f"missing file: {name}")
        elif _safe(name) and sha256(directory / name) != digest:
            problems.append(f"checksum mismatch: {name}")
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(manifest.files))]
    return problems


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def database_state(connection: sa.Connection) -> tuple[str | None, dict]:
    """(Alembic revision, row count of every table) as *connection* sees them; the search
    index's own tables are left out (a restore rebuilds them)."""
    names = [n for n in sa.inspect(connection).get_table_names() if not n.startswith(BIGRAM_TABLE)]
    revision = None
    if "alembic_version" in names:
        revision = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    counts = {}
    for name in sorted(names):
        counts[name] = connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
    return revision, counts


def count_problems(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Differences between the counts of the manifest and those found."""
    return [
        f"count of {name}: {expected[name]} in the manifest, {found.get(name, 'no table')} found"
        for name in sorted(expected)
        if found.get(name) != expected[name]
    ]
