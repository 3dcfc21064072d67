"""Attachments of a meeting: checked by content, stored by random name, deleted after commit."""

import re
import unicodedata

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from scheduler.audit.services import record
from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.history.attachments import files
from scheduler.history.attachments.models import MAX_ATTACHMENT_BYTES, Attachment
from scheduler.history.signals import outcome_changed

MAX_NAME_LENGTH = 255
# File name extension → the content type the bytes must show (and that is served).
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
# What browsers may declare besides the exact type; anything else contradicting it is refused.
_NEUTRAL_DECLARED = {"", "application/octet-stream", "binary/octet-stream"}
_DECLARED_ALIASES = {
    "application/pdf": {"application/x-pdf"},
    "image/jpeg": {"image/jpg", "image/pjpeg"},
}
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class AttachmentError(UserError):
    """An upload refused with a translated message and the HTTP status to answer with."""


def too_large_error() -> AttachmentError:
    mebibytes = MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return AttachmentError(_l("A file may be at most %(max)d MB.", max=mebibytes), status=413)


def file_size(size_bytes: int) -> str:
    """A file size for people: "850 KB", "4.2 MB" (localized digits and separators)."""
    if size_bytes < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(size_bytes / 1024)), "#,##0"))
    return _("%(size)s MB", size=format_decimal(size_bytes / (1024 * 1024), "#,##0.0"))


def display_name(raw: str | None) -> str:
    """The name shown for an upload: any folder part removed, control characters dropped."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", raw or ""))[-1]
    name = _UNSAFE_CHARS.sub("", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME_LENGTH - len(dot + extension)
        name = stem[:keep] + dot + extension if dot and keep > 0 else name[:MAX_NAME_LENGTH]
    return name


def _expected_type(name: str) -> str:
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise AttachmentError(
            _l(
                "This kind of file cannot be attached. Attach a PDF, an Office document "
                "(Word, Excel, PowerPoint) or an image (PNG, JPEG, GIF, WebP)."
            )
        )
    return ALLOWED_TYPES[extension]


def _check_declared(declared: str | None, expected: str) -> None:
    declared = (declared or "").split(";")[0].strip().lower()
    if declared not in _NEUTRAL_DECLARED | {expected} | _DECLARED_ALIASES.get(expected, set()):
        raise _mismatch_error()


def _mismatch_error() -> AttachmentError:
    return AttachmentError(_l("The content of this file does not match its name or type."))


def _store(upload: FileStorage) -> tuple[str, int]:
    try:
        return files.write_new_file(db.session, upload.stream, MAX_ATTACHMENT_BYTES)
    except files.TooLarge:
        raise too_large_error() from None


def _check_content(stored_name: str, size: int, expected: str) -> None:
    if size == 0:
        raise AttachmentError(_l("The file is empty."))
    if files.content_type_of(stored_name, expected) != expected:
        raise _mismatch_error()


def add_attachment(meeting, upload: FileStorage, user) -> Attachment:
    """Check and store *upload* for *meeting* (flushes; audited; sends outcome_changed)."""
    name = display_name(upload.filename)
    if not name:
        raise AttachmentError(_l("Choose a file to attach."))
    expected = _expected_type(name)
    _check_declared(upload.mimetype, expected)
    stored_name, size = _store(upload)
    try:
        _check_content(stored_name, size, expected)
    except AttachmentError:
        files.discard(stored_name)
        raise
    attachment = Attachment(
        meeting=meeting,
        original_name=name,
        stored_name=stored_name,
        content_type=expected,
        size_bytes=size,
        uploaded_by=user,
    )
    db.session.add(attachment)
    db.session.flush()
    outcome_changed.send(meeting)
    return attachment


def may_delete(user, attachment: Attachment) -> bool:
    """Coordinators and administrators may delete any attachment; others only their own."""
    return user.role in EDITOR_ROLES or attachment.uploaded_by_id == user.id


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row now (audited) and its file once the transaction commits."""
    meeting = attachment.meeting
    kept = ("original_name", "meeting_id", "content_type", "size_bytes", "stored_name")
    changes = {key: [getattr(attachment, key), None] for key in kept}
    record(db.session, "delete", attachment, changes)
    files.remove_after_commit(db.session, attachment.stored_name)
    db.session.delete(attachment)
    db.session.flush()
    outcome_changed.send(meeting)
