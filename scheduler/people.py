"""Who takes part: one way to refer to a staff user, a contact or a guest.

Forms, slot searches and busy-time keys name a person as ``user:ID`` or ``contact:ID`` (a guest,
who has no row, as ``guest``). This module builds and reads those references and loads the
records behind them. It sits below the domain packages: the user and contact models register
themselves here (`register_kind`) instead of this module importing them.
"""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import validate_email

from scheduler.extensions import db

GUEST = "guest"
_MODELS: dict[str, type] = {}


def register_kind(kind: str, model: type) -> None:
    """Make *model*'s rows referable as ``kind:ID`` (called once by the model's module)."""
    _MODELS[kind] = model


@dataclass(frozen=True)
class PersonRef:
    """A reference to one row of a registered kind: ``user:3``, ``contact:12``."""

    kind: str
    id: int

    def __str__(self) -> str:
        return person_key(self.kind, self.id)


def person_key(kind: str, ident: int) -> str:
    """The reference text for row *ident* of *kind*."""
    return f"{kind}:{ident}"


def key_of(record) -> str:
    """The reference text of a user or contact row."""
    kind = next(kind for kind, model in _MODELS.items() if isinstance(record, model))
    return person_key(kind, record.id)


def parse(value: str | None) -> PersonRef | None:
    """``user:3`` / ``contact:12`` as a PersonRef; None for a guest, an unknown kind or junk."""
    kind, _sep, ident = (value or "").partition(":")
    if kind not in _MODELS or not ident.isdigit():
        return None
    return PersonRef(kind, int(ident))


def resolve(value: str | None) -> tuple[str, object] | None:
    """The kind and the row a reference names, or None when it names nobody."""
    ref = parse(value)
    if ref is None:
        return None
    record = db.session.get(_MODELS[ref.kind], ref.id)
    return (ref.kind, record) if record is not None else None


def resolve_many(values, options=()) -> dict[str, object]:
    """The rows behind many references, one query per kind, keyed by reference text.

    Unknown references are left out; *options* maps a kind to loader options for its query.
    """
    ids = defaultdict(list)
    for ref in filter(None, map(parse, values)):
        ids[ref.kind].append(ref.id)
    found = {}
    for kind, wanted in ids.items():
        model = _MODELS[kind]
        query = sa.select(model).where(model.id.in_(wanted)).options(*dict(options).get(kind, ()))
        found |= {person_key(kind, row.id): row for row in db.session.scalars(query)}
    return found


def choice(record, label: str) -> tuple[str, str]:
    """A (value, label) pair for a select field offering *record*."""
    return key_of(record), label


def normalize_email(value: str | None) -> str | None:
    """The address in canonical lower-case form, or None when empty. Raises on bad syntax."""
    value = (value or "").strip()
    if not value:
        return None
    result = validate_email(value, check_deliverability=False)
    return result.normalized.lower()
