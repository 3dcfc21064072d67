"""Attachment files on disk, kept in step with the database transaction.

A file is written before its row is flushed and removed again if the transaction does not
commit; a deleted attachment's file is removed only once the deletion has committed. So a
failed write leaves no orphan file, and no row ever points at a missing file.
"""

import logging
import mmap
import re
import secrets
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import filetype
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
CHUNK_BYTES = 64 * 1024
_PENDING_KEY = "attachment_files"
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The part every Office Open XML package of that kind holds.
_OOXML_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
# The stream every legacy (OLE2 compound file) Office document of that kind holds.
_OLE_STREAMS = {
    "application/msword": ("WordDocument",),
    "application/vnd.ms-excel": ("Workbook", "Book"),
    "application/vnd.ms-powerpoint": ("PowerPoint Document",),
}


class TooLarge(Exception):
    """The stream holds more bytes than allowed."""


def upload_folder() -> Path:
    """The folder attachments live in (UPLOAD_FOLDER), created when missing."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(stored_name: str) -> Path:
    """Where the file of that stored name lives; only names we generate are accepted."""
    if not _STORED_NAME.match(stored_name):
        raise ValueError("not a stored attachment name")
    return upload_folder() / stored_name


def stored_files() -> dict[str, datetime]:
    """The stored attachment files on disk: name → last modified (UTC)."""
    return {
        path.name: datetime.fromtimestamp(path.stat().st_mtime, UTC)
        for path in upload_folder().iterdir()
        if _STORED_NAME.match(path.name) and path.is_file()
    }


def write_new_file(session: Session, stream: BinaryIO, limit: int) -> tuple[str, int]:
    """Copy *stream* under a new random name, at most *limit* bytes; (stored name, size).

    The file is removed again unless *session*'s transaction commits. Raises TooLarge
    (with nothing left on disk) past the limit.
    """
    stored_name = secrets.token_hex(16)
    path = stored_path(stored_name)
    size = 0
    try:
        with path.open("xb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise TooLarge
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _pending(session).append(("created", path))
    return stored_name, size


def discard(stored_name: str) -> None:
    """Remove a file written in this transaction that will not get a row."""
    _unlink(stored_path(stored_name))


def remove_after_commit(session: Session, stored_name: str) -> None:
    """Delete the file once the transaction that deletes its row has committed."""
    _pending(session).append(("doomed", stored_path(stored_name)))


def content_type_of(stored_name: str, claimed_type: str) -> str | None:
    """The content type the file's bytes show; Office files are checked for *claimed_type*."""
    path = stored_path(stored_name)
    with path.open("rb") as file:
        head = file.read(8192)
    if head.startswith(_ZIP_MAGIC):
        return _ooxml_type(path)
    if head.startswith(_OLE_MAGIC):
        return claimed_type if _has_ole_stream(path, _OLE_STREAMS.get(claimed_type, ())) else None
    kind = filetype.guess(head)
    return kind.mime if kind else None


def _ooxml_type(path: Path) -> str | None:
    """The kind of Office Open XML package, read from its directory (nothing is unpacked)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((mime for part, mime in _OOXML_PARTS.items() if part in names), None)


def _has_ole_stream(path: Path, stream_names: Iterable[str]) -> bool:
    """True when the compound file's directory names one of *stream_names* (UTF-16LE)."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(name.encode("utf-16-le") + b"\x00\x00") >= 0 for name in stream_names)


def _pending(session: Session) -> list:
    return session.info.setdefault(_PENDING_KEY, {"committed": False, "files": []})["files"]


def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and _PENDING_KEY in session.info:
        session.info[_PENDING_KEY]["committed"] = True


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    # Committed: the deleted rows' files go. Otherwise: the files written for new rows go.
    doomed_kind = "doomed" if pending["committed"] else "created"
    for kind, path in pending["files"]:
        if kind == doomed_kind:
            _unlink(path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the row is gone or never was; a stray file is harmless but worth a note
        log.warning("could not remove attachment file %s", path.name, exc_info=True)


def register_file_listeners() -> None:
    """Attach the transaction hooks once (idempotent: tests create many apps)."""
    hooks = (("after_commit", _after_commit), ("after_transaction_end", _after_transaction_end))
    for name, hook in hooks:
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)
