"""Calendar pages (agenda, week, month) in the viewer's zone, and one meeting as an .ics file.

The pages read with a fixed number of queries: the partners, the meetings of the period as
plain rows, their partner links, and each country's holiday overrides.
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.agenda import grid
from scheduler.availability.holidays import COUNTRIES
from scheduler.availability.services import OverrideError, overrides_by_country, parse_day
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import current_language, localized, viewer_zone
from scheduler.invites.ical import build_event, calendar_bytes
from scheduler.meetings.models import (
    KIND_LABELS,
    MEETING_KINDS,
    MEETING_STATUSES,
    STATUS_LABELS,
    Meeting,
    MeetingStatus,
    meeting_partners,
)
from scheduler.meetings.queries import LIST_COLUMNS, meeting_ids_with_partners
from scheduler.meetings.services import meeting_path_prefix
from scheduler.pagecache import kept_page
from scheduler.partners.models import Partner
from scheduler.sides import other_side_zone
from scheduler.timefmt import zone_label
from scheduler.visits.directions import DIRECTION_OF_KIND
from scheduler.visits.models import VISIT_LIST_COLUMNS, Visit, visit_partners

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
# GET /meetings/<id>.ics lives beside the meeting pages, but its code is calendar output.
ics_bp = Blueprint("meeting_ics", __name__, url_prefix="/meetings")


COUNTRY_NAMES = {"CN": _l("China"), "KR": _l("Korea")}


class BadQuery(UserError):
    """A query parameter the calendar cannot use; ``message`` is translated."""


@dataclass(frozen=True)
class Filters:
    partner: Partner | None = None
    partner_ids: tuple[int, ...] = ()  # the partner and its predecessors (merged partners)
    kind: str = ""
    status: str = ""

    def args(self) -> dict:
        """The filters as query parameters, for links that keep them."""
        values = {
            "partner": self.partner.slug if self.partner else "",
            "kind": self.kind,
            "status": self.status,
        }
        return {key: value for key, value in values.items() if value}


@bp.errorhandler(BadQuery)
def _bad_query(error: BadQuery):
    return render_template("errors/error.html", code=400, message=error.message), 400


def _today(zone: str) -> date:
    return now_utc().astimezone(ZoneInfo(zone)).date()


def _read_date(zone: str) -> date:
    text = request.args.get("date", "").strip()
    if not text:
        return _today(zone)
    try:
        return parse_day(text)
    except OverrideError as error:  # the same reading and reasons as the holiday pages'
        raise BadQuery(error.message) from error


def _read_days() -> int:
    text = request.args.get("days", "").strip()
    if not text:
        return grid.AGENDA_DAYS
    if not text.isdigit() or not 1 <= int(text) <= grid.AGENDA_MAX_DAYS:
        raise BadQuery(
            _("Show between %(first)d and %(last)d days.", first=1, last=grid.AGENDA_MAX_DAYS)
        )
    return int(text)


def _read_both_clocks() -> bool:
    value = request.args.get("clock", "").strip()
    if value not in ("", "own", "both"):
        raise BadQuery(_('Unknown clock setting "%(value)s". Use "own" or "both".', value=value))
    return value == "both"


def _lineage_ids(partner: Partner, partners: list[Partner]) -> tuple[int, ...]:
    found, todo = {partner.id}, [partner.id]
    while todo:
        current = todo.pop()
        for other in partners:
            if other.successor_id == current and other.id not in found:
                found.add(other.id)
                todo.append(other.id)
    return tuple(sorted(found))


def _read_filters(partners: list[Partner]) -> Filters:
    kind = request.args.get("kind", "").strip()
    status = request.args.get("status", "").strip()
    if kind and kind not in MEETING_KINDS:
        raise BadQuery(_('Unknown kind of meeting "%(value)s".', value=kind))
    if status and status not in MEETING_STATUSES:
        raise BadQuery(_('Unknown meeting status "%(value)s".', value=status))
    slug = request.args.get("partner", "").strip()
    if not slug:
        return Filters(kind=kind, status=status)
    partner = next((p for p in partners if p.slug == slug), None)
    if partner is None:
        abort(404)
    return Filters(partner, _lineage_ids(partner, partners), kind, status)


def _meeting_ids(period: grid.Period, zone: str, filters: Filters):
    start, end = grid.utc_bounds(period.first, period.last, zone)
    query = sa.select(Meeting.id).where(Meeting.start_dt < end, Meeting.end_dt > start)
    if filters.partner_ids:
        query = query.where(Meeting.id.in_(meeting_ids_with_partners(filters.partner_ids)))
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.status:
        query = query.where(Meeting.status == filters.status)
    return query


def _partner_names(ids_query, partners: list[Partner], lang: str) -> dict[int, list[str]]:
    """Meeting id → partner names, in one query whatever the number of meetings."""
    names = {p.id: localized(p, "name", lang) for p in partners}
    pairs = db.session.execute(
        sa.select(meeting_partners.c.meeting_id, meeting_partners.c.partner_id)
        .where(meeting_partners.c.meeting_id.in_(ids_query))
        .order_by(meeting_partners.c.meeting_id, meeting_partners.c.partner_id)
    )
    found: dict[int, list[str]] = {}
    for meeting_id, partner_id in pairs:
        found.setdefault(meeting_id, []).append(names[partner_id])
    return found


def load_entries(period, zone, filters, partners, both_clocks) -> list[grid.Entry]:
    """The period's meetings as calendar entries, in two queries."""
    lang = current_language()
    ids_query = _meeting_ids(period, zone, filters)
    rows = db.session.execute(
        sa.select(*LIST_COLUMNS)
        .where(Meeting.id.in_(ids_query))
        .order_by(Meeting.start_dt, Meeting.id)
    ).all()
    names = _partner_names(ids_query, partners, lang)
    other = other_side_zone(zone) if both_clocks else None
    return [
        grid.make_entry(
            row, localized(row, "title", lang), tuple(names.get(row.id, ())), zone, lang, other
        )
        for row in rows
    ]


def load_visits(period: grid.Period, filters: Filters) -> list[grid.VisitBand]:
    """The delegation visits on the period's days as bars, in one query. A status filter
    (visits have none) or a kind other than a visit's leaves them out."""
    if filters.status or (filters.kind and filters.kind not in DIRECTION_OF_KIND):
        return []
    query = sa.select(*VISIT_LIST_COLUMNS).where(
        Visit.start_date <= period.last, Visit.end_date >= period.first
    )
    if filters.kind:
        query = query.where(Visit.direction == DIRECTION_OF_KIND[filters.kind])
    if filters.partner_ids:
        linked = sa.select(visit_partners.c.visit_id).where(
            visit_partners.c.partner_id.in_(filters.partner_ids)
        )
        query = query.where(Visit.id.in_(linked))
    lang = current_language()
    return [
        grid.VisitBand(row.id, localized(row, "title", lang), row.direction, *row[-2:])
        for row in db.session.execute(query.order_by(Visit.start_date, Visit.id))
    ]


def _holidays(period: grid.Period) -> dict:
    overrides = overrides_by_country(COUNTRIES, period.first, period.last)
    return grid.holiday_marks(period, current_language(), overrides)


def _link_parts() -> dict:
    """What every entry link needs, computed once per page rather than once per meeting."""
    return {
        "meeting_path": meeting_path_prefix(),
        "cancelled_label": str(STATUS_LABELS[MeetingStatus.CANCELLED]),
        "country_names": COUNTRY_NAMES,
        "visit_path": url_for("visits.show_visit", visit_id=0).removesuffix("0"),
        "direction_labels": {d: KIND_LABELS[kind] for kind, d in DIRECTION_OF_KIND.items()},
    }


def _kept_args(filters: Filters, both_clocks: bool, days: int) -> dict:
    """Query parameters that links to other periods and views carry along."""
    kept = filters.args()
    if both_clocks:
        kept["clock"] = "both"
    if days != grid.AGENDA_DAYS:
        kept["days"] = days
    return kept


DAY_SLOT = "YYYY-MM-DD"  # where each day's date goes in `day_path`


def _day_path(filters: Filters) -> str:
    """The address of one day's agenda with the page's filters, its date left as DAY_SLOT:
    one url_for per page rather than one per day of the month."""
    return url_for("calendar.agenda", date=DAY_SLOT, days=1, **filters.args())


def _render(view: str):
    zone = viewer_zone()
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.kr_code, Partner.id)).all()
    filters, both = _read_filters(partners), _read_both_clocks()
    days = _read_days() if view == "agenda" else grid.AGENDA_DAYS
    period = grid.period_for(view, _read_date(zone), days)
    entries = load_entries(period, zone, filters, partners, both)
    keep = _kept_args(filters, both, days if view == "agenda" else grid.AGENDA_DAYS)
    return render_template(
        f"agenda/{view}.html",
        view=view,
        period=period,
        filters=filters,
        partners=partners,
        both_clocks=both,
        keep=keep,
        today=_today(zone),
        zone_name=zone_label(zone),
        other_zone_name=zone_label(other_side_zone(zone)),
        holidays=_holidays(period),
        by_day=grid.place_on_days(entries, zone, period),
        weeks=grid.weeks_of(period) if view == "month" else None,
        visits=load_visits(period, filters) if view == "month" else [],
        band_rows=grid.band_rows,
        day_path=_day_path(filters),
        day_slot=DAY_SLOT,
        lang=current_language(),
        title=grid.period_title(period, current_language()),
        day_title=grid.day_title,
        weekday_names=grid.weekday_names(current_language()),
        **_link_parts(),
    )


@bp.route("/")
def index():
    return redirect(url_for("calendar.month", **request.args))


@bp.route("/agenda")
def agenda():
    return _render("agenda")


@bp.route("/week")
def week():
    return _render("week")


@bp.route("/month")
@kept_page
def month():
    return _render("month")


@ics_bp.route("/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """One meeting as an .ics file (METHOD:PUBLISH) for signed-in staff, in the viewer's
    language, join details included (as before: staff may see them on the meeting's page)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    url = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "meetings.show_meeting", meeting_id=meeting.id
    )
    event = build_event(meeting, current_language(), zone=viewer_zone(), join_details=True, url=url)
    body = calendar_bytes([event], method="PUBLISH")
    headers = {
        "Content-Disposition": f"attachment; filename=meeting-{meeting.id}.ics",
        "Cache-Control": "private, no-store",
    }
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8", **headers}
