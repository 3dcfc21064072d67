"""Idempotency-Key (draft-ietf-httpapi-idempotency-key): the first answer is replayed.

`idempotent` wraps a create operation. With a key, the request's row is inserted (in a
savepoint) before the operation runs: a second request with the same token and key waits on
the unique index until the first commits, then finds its row and replays the stored answer
(PostgreSQL; SQLite lets one writer in at a time). The same key with another method, path
or body is refused (422). Only successful answers are stored: a refused request changed
nothing and rolls its row back, so sending it again is judged afresh. Keys expire after
24 hours; a token's expired keys are deleted when it next uses one.
"""

import hashlib
from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Response, current_app, g, request
from sqlalchemy.exc import IntegrityError

from scheduler.api.idempotency.models import IdempotencyKey
from scheduler.api.problems import problem
from scheduler.db import now_utc
from scheduler.extensions import db

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Cache-Control too: a replayed new feed's URL must stay "no-store" like the first answer.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Location", "ETag", "Cache-Control")
HEADER = "Idempotency-Key"


def fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 (hex) of what was asked."""
    digest = hashlib.sha256(f"{method}\n{path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def claim(
    token_id: int, key: str, asked: str
) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """(this request's new row, None) when the key is free; else (None, the earlier row)."""
    cutoff = now_utc() - KEY_LIFETIME
    expired = (IdempotencyKey.token_id == token_id) & (IdempotencyKey.created_at < cutoff)
    db.session.execute(sa.delete(IdempotencyKey).where(expired))
    row = IdempotencyKey(token_id=token_id, key=key, fingerprint=asked, created_at=now_utc())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        mine = (IdempotencyKey.token_id == token_id) & (IdempotencyKey.key == key)
        return None, db.session.scalar(sa.select(IdempotencyKey).where(mine))
    return row, None


def remember(row: IdempotencyKey, response: Response) -> None:
    """Keep *response* as the answer to every repeat of the request."""
    row.status = response.status_code
    row.headers = {
        name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
    }
    row.body = response.get_data()
    db.session.flush()


def _repeat(earlier: IdempotencyKey | None, asked: str) -> Response:
    if earlier is not None and earlier.fingerprint != asked:
        return problem(422, variant="idempotency-key-reused")
    if earlier is None or earlier.status is None:  # gone meanwhile, or not answered yet
        return problem(409, variant="idempotency-in-progress")
    response = Response(earlier.body, earlier.status, headers=earlier.headers)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Let *view* (a create operation) honour an Idempotency-Key header."""

    @wraps(view)
    def run(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not _valid_key(key):
            return problem(400, {HEADER: "invalid"})
        asked = fingerprint(request.method, request.path, request.get_data(cache=True))
        row, earlier = claim(g.api_token.id, key, asked)
        if row is None:
            return _repeat(earlier, asked)
        response = current_app.make_response(view(*args, **kwargs))
        if 200 <= response.status_code < 300:
            remember(row, response)
        return response

    return run


IDEMPOTENCY_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
            "description": "Send a new random key per request: a retry with the same key and "
            "body gets the first answer again (Idempotent-Replayed: true) and creates nothing; "
            "the same key with another body answers 422. Keys are kept 24 hours.",
        }
    ]
}
