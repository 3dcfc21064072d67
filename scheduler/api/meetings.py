"""Meetings (read), through the queries the pages use."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, request, url_for
from flask_login import current_user

from scheduler.api import schemas
from scheduler.api.conditional import etag_of
from scheduler.api.cursors import make_cursor, read_cursor
from scheduler.api.parsing import ApiBlueprint, refuse
from scheduler.api.representations import meeting_json
from scheduler.extensions import db
from scheduler.meetings.models import Meeting
from scheduler.meetings.queries import meeting_for_page, meeting_query
from scheduler.partners.services import get_partner

bp = ApiBlueprint("api_v1_meetings", __name__, url_prefix="/api/v1", description="Meetings.")


@bp.route("/meetings/<int:meeting_id>")
@bp.response(200, schemas.MeetingSchema)
def show_meeting(meeting_id: int):
    """One meeting; send its ETag back in If-None-Match to get 304 while it is unchanged."""
    meeting = meeting_for_page(meeting_id) or abort(404)
    body = meeting_json(meeting, current_user)
    return body, 200, {"ETag": etag_of(body)}  # the ETag an If-Match of a change names


def _day_bounds(args: dict) -> tuple[datetime | None, datetime | None]:
    """The first and the last (included) day, in the given zone, as UTC bounds."""
    zone = ZoneInfo(args["zone"])
    start = end = None
    if args.get("start_day"):
        start = datetime.combine(args["start_day"], time(), zone)
    if args.get("end_day"):
        end = datetime.combine(args["end_day"] + timedelta(days=1), time(), zone)
    return start, end


def _filters(args: dict) -> dict:
    """The list's filters as given (the cursor is bound to them; limit may change)."""
    return {k: v for k, v in args.items() if k not in ("cursor", "limit")}


def _after(query: sa.Select, position: list) -> sa.Select:
    try:
        start, ident = datetime.fromisoformat(position[0]), int(position[1])
    except (ValueError, TypeError, IndexError):
        refuse("cursor", "cursor")
    later = sa.or_(Meeting.start_dt > start, sa.and_(Meeting.start_dt == start, Meeting.id > ident))
    return query.where(later)


def _page_links(cursor: str | None) -> str:
    args = request.args.to_dict()
    args.pop("cursor", None)
    links = [f'<{url_for("api_v1_meetings.list_meetings", _external=True, **args)}>; rel="first"']
    if cursor:
        next_url = url_for("api_v1_meetings.list_meetings", _external=True, **args, cursor=cursor)
        links.append(f'<{next_url}>; rel="next"')
    return ", ".join(links)


@bp.route("/meetings")
@bp.arguments(schemas.MeetingQuerySchema, location="query", as_kwargs=False)
@bp.response(200, schemas.MeetingPageSchema)
def list_meetings(args: dict):
    """Meetings by start, then id: filter by partner, kind, status, days in a zone and
    updated_since. Follow the Link header's rel="next" for the next page."""
    partner = None
    if args.get("partner"):
        partner = get_partner(args["partner"]) or refuse("partner", "invalid")
    query = meeting_query(
        *_day_bounds(args),
        partner_id=partner.id if partner else None,
        kind=args.get("kind"),
        status=args.get("status"),
    )
    if args.get("updated_since"):
        query = query.where(Meeting.updated_at >= args["updated_since"])
    if args.get("cursor"):
        try:
            query = _after(query, read_cursor(args["cursor"], _filters(args)))
        except ma.ValidationError:
            refuse("cursor", "cursor")
    rows = list(db.session.scalars(query.limit(args["limit"] + 1)))
    page, more = rows[: args["limit"]], len(rows) > args["limit"]
    position = [page[-1].start_dt.isoformat(), page[-1].id] if more else None
    cursor = make_cursor(_filters(args), position) if position else None
    body = {"items": [meeting_json(m, current_user) for m in page], "next_cursor": cursor}
    return body, 200, {"Link": _page_links(cursor)}
