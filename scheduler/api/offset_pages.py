"""Cursor pages over lists whose order has no cheap keyset (contacts by name, search
results by relevance pages): the signed cursor holds the offset, bound to the filters."""

import marshmallow as ma
from flask import request, url_for

from scheduler.api.cursors import make_cursor, read_cursor
from scheduler.api.parsing import refuse


def page_filters(args: dict) -> dict:
    """The filters a cursor is bound to: every argument but the cursor (the limit too, as the
    offset counts in pages of that size)."""
    return {k: v for k, v in args.items() if k != "cursor"}


def start_offset(args: dict) -> int:
    """Where this page starts: 0, or the offset the request's cursor holds."""
    if not args.get("cursor"):
        return 0
    try:
        position = read_cursor(args["cursor"], page_filters(args))
    except ma.ValidationError:
        position = None
    if not position or not isinstance(position[0], int) or position[0] < 0:
        refuse("cursor", "cursor")
    return position[0]


def paged(endpoint: str, args: dict, items: list, next_offset: int | None, **extra):
    """The answer of a list view: its items, the next cursor and the Link header."""
    cursor = make_cursor(page_filters(args), [next_offset]) if next_offset is not None else None
    query = request.args.to_dict()
    query.pop("cursor", None)
    links = [f'<{url_for(endpoint, _external=True, **query)}>; rel="first"']
    if cursor:
        links.append(f'<{url_for(endpoint, _external=True, **query, cursor=cursor)}>; rel="next"')
    body = {"items": items, "next_cursor": cursor, **extra}
    return body, 200, {"Link": ", ".join(links)}
