"""Strong ETags computed from a representation, and the If-Match check of an update.

A resource without a version column (contacts, partners) gets the hash of its JSON as its
ETag: the same value on a read and inside an update, whatever the response's formatting.
An update reads the row under a lock first (`locked`), so two clients holding the same ETag
cannot both pass the check: the second sees the first one's change and gets 412.
"""

import hashlib
import json

from flask import request
from flask_smorest import abort

from scheduler.extensions import db


def representation_etag(body: dict) -> str:
    """The strong ETag (quoted) of *body*, a representation as the API answers it."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def with_etag(body: dict, status: int = 200):
    """A view's answer: *body* with its ETag (kept by the API's conditional GET)."""
    return body, status, {"ETag": representation_etag(body)}


def locked(row):
    """*row* re-read with a row lock for the rest of the transaction (SQLite's BEGIN
    IMMEDIATE already holds the database's write lock)."""
    db.session.refresh(row, with_for_update=True)
    return row


def require_if_match(current: dict) -> None:
    """428 when the request has no If-Match, 412 when it names an ETag that is not
    *current*'s (the representation as this caller would read it now)."""
    if "If-Match" not in request.headers:
        abort(428)
    wanted = request.if_match
    etag = representation_etag(current).strip('"')
    if not (wanted.star_tag or wanted.contains(etag)):
        abort(412)
