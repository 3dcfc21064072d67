"""The attachment files (UPLOAD_FOLDER) in and out of a backup's ``uploads/`` folder.

Stored files never change (random names, written once), so a copy of each is a copy of its
one state; only files appearing or going while the backup runs need care (see `create`).
"""

import shutil
from pathlib import Path

UPLOADS = "uploads"


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return {p.relative_to(folder).as_posix(): p for p in found}


def copy_out(folder: Path, out: Path, skip: set[str] = frozenset()) -> set[str]:
    """Copy the files of *folder* not in *skip* to ``out/uploads``; the names copied. A
    file removed meanwhile (its attachment deleted) is left out."""
    copied = set()
    for name, source in sorted(_files(folder).items()):
        if name in skip:
            continue
        target = out / UPLOADS / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            shutil.copy2(source, target)
        except FileNotFoundError:
            continue
        target.chmod(0o600)
        copied.add(name)
    return copied


def is_empty(folder: Path) -> bool:
    """True when *folder* is missing or holds no file (restoring would mix two states)."""
    return not _files(folder)


def copy_in(backup: Path, names: list[str], folder: Path) -> int:
    """Copy the backup's upload files among *names* (manifest paths) into *folder*."""
    prefix = f"{UPLOADS}/"
    count = 0
    for name in sorted(n for n in names if n.startswith(prefix)):
        target = folder / name.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup / name, target)
        count += 1
    return count
