"""Record every create, update and deactivation automatically at flush time.

Models opt in with a class attribute ``__audited__ = True``. Entries are written
with a Core insert in the same transaction as the change, so a rollback drops both.
"""

from datetime import date, datetime, time

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.db import now_utc

# last_login_at: a sign-in already has its own "login" entry; an "update" beside it is noise.
# session_version: raised by every sign-out; the change that raised it is audited itself.
SKIPPED_FIELDS = {
    "search_text",
    "created_at",
    "updated_at",
    "edited_fields",
    "last_login_at",
    "session_version",
}
SECRET_FIELDS = {"password_hash"}
ACTOR_KEY = "audit_actor_id"


def set_actor(session: Session, user_id: int | None) -> None:
    """Name the user responsible for changes made outside a request (CLI, jobs)."""
    session.info[ACTOR_KEY] = user_id


def _actor_id(session: Session) -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return session.info.get(ACTOR_KEY)


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _columns(obj):
    return [c.key for c in sa.inspect(obj).mapper.column_attrs if c.key not in SKIPPED_FIELDS]


def _masked(key, value):
    return "***" if key in SECRET_FIELDS and value is not None else _plain(value)


def _changes_of_new(obj) -> dict:
    return {k: [None, _masked(k, getattr(obj, k))] for k in _columns(obj) if k != "id"}


def _changes_of_dirty(obj) -> dict:
    state = sa.inspect(obj)
    changes = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if not hist.has_changes() or not hist.deleted:
            continue
        before, after = hist.deleted[0], getattr(obj, key)
        if before != after:
            changes[key] = [_masked(key, before), _masked(key, after)]
    return changes


def _action_for_update(changes: dict) -> str:
    for flag in ("is_active", "is_active_user"):
        if flag in changes and len(changes) == 1:
            return "activate" if changes[flag][1] else "deactivate"
    return "update"


def label_of(obj) -> str:
    label = getattr(obj, "audit_label", None)
    return (label() if callable(label) else str(obj))[:200]


def _row(session, action, obj, changes) -> dict:
    return {
        "at": now_utc(),
        "user_id": _actor_id(session),
        "action": action,
        "object_type": type(obj).__tablename__,
        "object_id": getattr(obj, "id", None),
        "object_label": label_of(obj),
        "changes": changes,
    }


def _after_flush(session: Session, _context) -> None:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            rows.append(_row(session, "create", obj, _changes_of_new(obj)))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            changes = _changes_of_dirty(obj)
            if changes:
                rows.append(_row(session, _action_for_update(changes), obj, changes))
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def record(session: Session, action: str, obj, changes: dict | None = None) -> None:
    """Record an event that is not a column change, such as a login or an import."""
    session.add(AuditEntry(**_row(session, action, obj, changes or {})))


def register_audit_listener(session_class) -> None:
    """Attach the flush hook once (idempotent: tests create many apps)."""
    if not sa.event.contains(session_class, "after_flush", _after_flush):
        sa.event.listen(session_class, "after_flush", _after_flush)
