"""Strong ETags of representations and the If-Match rule for changes (RFC 9110 §13.1.1).

The ETag is a hash of the representation the caller reads (it differs by role: a viewer sees
no contact details), so it changes whenever anything shown changes, participants included.
A change needs If-Match with the current ETag: missing → 428, another one → 412 and nothing
is changed. The meeting row is locked before the comparison, so of two changes sent with the
same ETag the second sees the first's result and is refused; the version column (optimistic
lock) catches the same race where the database takes no row locks.
"""

import hashlib
import json

from flask import request

MAX_ROW_ID = 2**31 - 1  # the database's integer: a larger id names nothing

# The OpenAPI description of If-Match on every operation that changes a record.
IF_MATCH_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "schema": {"type": "string"},
            "description": "The record's ETag as last read: another one answers 412 and "
            "changes nothing; without it the answer is 428.",
        }
    ],
    "responses": {
        "412": {"description": "Changed since read"},
        "428": {"description": "No If-Match"},
    },
}


def etag_of(representation: dict) -> str:
    """The strong ETag (quoted) of *representation*, a JSON-ready dict."""
    canonical = json.dumps(representation, sort_keys=True, ensure_ascii=False, default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def if_match_problem(current_etag: str) -> int | None:
    """The status refusing this change given the resource's *current_etag* (quoted): 428
    without If-Match (``*`` counts as none: it would let a change overwrite unseen ones),
    412 when it does not name the current ETag; None when the change may go ahead."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return 428
    return None if if_match.is_strong(current_etag.strip('"')) else 412
