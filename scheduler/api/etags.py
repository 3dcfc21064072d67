"""If-Match on the records without a version column (contacts, partners), on the rule of
`scheduler.api.conditional`: the ETag is the hash of the representation, the row is read
under a lock first (`locked_or_404`), so of two changes holding the same ETag the second sees
the first one's result and gets 412."""

from flask import abort

from scheduler.api.conditional import MAX_ROW_ID, etag_of, if_match_problem
from scheduler.extensions import db


def with_etag(body: dict, status: int = 200):
    """A view's answer: *body* with its ETag (kept by the API's conditional GET)."""
    return body, status, {"ETag": etag_of(body)}


def row_or_404(model, ident: int):
    """The *model* row with id *ident*; 404 also for an id no row can have."""
    row = db.session.get(model, ident) if ident <= MAX_ROW_ID else None
    return row if row is not None else abort(404)


def locked(row):
    """*row* re-read under a row lock for the rest of the transaction (SQLite's BEGIN
    IMMEDIATE already holds the database's write lock)."""
    db.session.refresh(row, with_for_update=True)
    return row


def require_if_match(current: dict) -> None:
    """428 without If-Match, 412 when it is not the ETag of *current* (the representation
    as this caller reads it now)."""
    refusal = if_match_problem(etag_of(current))
    if refusal:
        abort(refusal)
