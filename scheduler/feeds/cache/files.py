"""Finished feed bodies on disk: shared by every worker, handed to the kernel to send.

A body's file is named by feed, language and ETag, so a file is never stale: the database
says which ETag is current, and a request whose file is missing (another machine made it, or
it was cleaned away) rebuilds it. A gzip copy is made the first time a client asks for one.
Gunicorn sends these files with sendfile(), as it would a static file. When the folder cannot
be written (disk full, no permission, read-only), the body is sent from memory instead: a
feed is never refused because its copy on disk could not be made.
"""

import errno
import gzip
import io
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from flask import current_app

log = logging.getLogger(__name__)
GZIP_SUFFIX = ".gz"
# The folder cannot take the file now; anything else is a bug and is raised.
UNWRITABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS})
REPLACED_GRACE_SECONDS = 60
# (feed, language) → when this process last swept the folder. Per process (and so per host)
# on purpose: the folder it sweeps is this host's own (bodies are named by ETag, so hosts
# never need each other's files), and a sweep another worker also does is only wasted work.
_last_sweep: dict[tuple[int, str], float] = {}


def folder() -> Path:
    return Path(current_app.config["FEED_CACHE_FOLDER"])


def body_path(feed_id: int, lang: str, etag: str) -> Path:
    """Where the body with *etag* of one feed in *lang* lives (it may not exist)."""
    return folder() / f"{feed_id}-{lang}-{etag.strip(chr(34))}.ics"


def _write_atomically(target: Path, data: bytes) -> None:
    """Readers see the whole file or none (two workers writing the same body both win)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def store(feed_id: int, lang: str, etag: str, body: bytes) -> Path:
    """Write *body* under its ETag; at most once a minute, drop the feed's other bodies in
    *lang* that are more than a minute old (one just made by a concurrent request lives
    until it is sent; an open file survives its removal anyway)."""
    target = body_path(feed_id, lang, etag)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, body)
    now = time.time()
    if now - _last_sweep.get((feed_id, lang), float("-inf")) >= REPLACED_GRACE_SECONDS:
        _last_sweep[(feed_id, lang)] = now  # listing the folder after every change costs
        for old in target.parent.glob(f"{feed_id}-{lang}-*"):
            if (
                not old.name.startswith(target.name)
                and _modified(old) < now - REPLACED_GRACE_SECONDS
            ):
                old.unlink(missing_ok=True)
    return target


def stored_body(feed_id: int, lang: str, etag: str, body: bytes) -> BinaryIO:
    """*body* stored under its ETag (`store`) and opened for reading; from memory when the
    folder cannot be written."""
    try:
        stream = open_body(store(feed_id, lang, etag, body))
    except OSError as error:
        if error.errno not in UNWRITABLE:
            raise
        _note_unwritable(error)
        return io.BytesIO(body)
    return stream if stream is not None else io.BytesIO(body)


def _note_unwritable(error: OSError) -> None:
    log.warning("feed cache folder not writable, serving from memory: %s", error.strerror)


def body_size(stream: BinaryIO) -> int:
    """The length of a body opened by this module (a file, or bytes in memory)."""
    if isinstance(stream, io.BytesIO):
        return len(stream.getbuffer())
    return os.fstat(stream.fileno()).st_size


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def open_body(path: Path) -> BinaryIO | None:
    """The stored body at *path* opened for reading, or None when it is gone."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


def open_gzipped(path: Path, body: BinaryIO) -> BinaryIO:
    """The gzip copy of the body at *path* (open as *body*), made now if missing.

    mtime=0 keeps the compressed bytes the same whoever makes them.
    """
    target = path.with_name(path.name + GZIP_SUFFIX)
    stream = open_body(target)
    if stream is None:
        packed = gzip.compress(body.read(), compresslevel=6, mtime=0)
        try:
            _write_atomically(target, packed)
            stream = target.open("rb")
        except OSError as error:
            if error.errno not in UNWRITABLE:
                raise
            _note_unwritable(error)
            stream = io.BytesIO(packed)
    body.close()
    return stream


def forget(feed_id: int) -> None:
    """Remove every stored body of a feed (revoked: nobody may fetch those bytes again)."""
    for old in folder().glob(f"{feed_id}-*"):
        old.unlink(missing_ok=True)
