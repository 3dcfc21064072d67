"""Opaque page cursors: where the last page ended, bound to the list's filters and signed.

A cursor is base64url(JSON) "." HMAC: a client cannot forge one, and one taken from another
list (other filters) or garbled is refused as a bad request instead of paging wrongly.
"""

import base64
import hashlib
import hmac
import json

import marshmallow as ma

from scheduler.security import derived_key

CURSOR_KEY_LABEL = b"cnkr-scheduler api cursor key v1"


def filters_fingerprint(filters: dict) -> str:
    """A short hash of the list's filters (the cursor belongs to exactly those)."""
    canonical = json.dumps(filters, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _signature(payload: bytes) -> str:
    digest = hmac.new(derived_key(CURSOR_KEY_LABEL), payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def make_cursor(filters: dict, position: list) -> str:
    """The cursor of the page after *position* (the last row's sort key) under *filters*."""
    payload = json.dumps({"f": filters_fingerprint(filters), "p": position}).encode()
    encoded = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{encoded}.{_signature(payload)}"


def read_cursor(cursor: str, filters: dict) -> list:
    """The position a cursor made by `make_cursor` under the same *filters* holds; a
    ValidationError("cursor") for anything else."""
    try:
        encoded, signature = cursor.split(".")
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        valid = hmac.compare_digest(signature, _signature(payload))
        data = json.loads(payload) if valid else None
    except (ValueError, TypeError):
        data = None
    if not isinstance(data, dict) or data.get("f") != filters_fingerprint(filters):
        raise ma.ValidationError("cursor", field_name="cursor")
    position = data.get("p")
    if not isinstance(position, list):
        raise ma.ValidationError("cursor", field_name="cursor")
    return position
