"""The exchange history as lists: filters, one set-based page query, grouping by year.

A page costs a fixed number of SQL statements whatever its size: one count, and the page's
meetings as plain list rows (`history.rows`: meetings with outcomes, partners, people).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db, page_number
from scheduler.history import rows
from scheduler.meetings.models import (
    FIRST_YEAR,
    LAST_YEAR,
    MEETING_KINDS,
    MEETING_STATUSES,
    Meeting,
    MeetingStatus,
    Participant,
)
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner, lineage
from scheduler.timefmt import today_in
from scheduler.visits.directions import DIRECTION_OF_KIND
from scheduler.visits.models import Visit, VisitMember, visit_partners

PAGE_SIZE = 50
# Status choices beside the statuses themselves: what a history list starts with (the
# exchanges that took place: held, or confirmed and begun) and every status.
PAST, ALL_STATUSES = "past", "all"
STATUS_CHOICES = (PAST, ALL_STATUSES, *MEETING_STATUSES)


class FilterError(UserError):
    """A filter that cannot be applied; ``message`` is translated."""


class UnknownPartner(LookupError):
    """The partner slug in the filters names no partner (the pages answer 404)."""


@dataclass(frozen=True)
class HistoryFilters:
    """What a history list, statistics page or export is narrowed to. None = everything."""

    partner: Partner | None = None
    kind: str | None = None
    year: int | None = None
    status: str | None = None  # one of STATUS_CHOICES; None (or ALL_STATUSES) = every status

    def url_args(self) -> dict:
        """The filters as query arguments for url_for (the same names the forms use)."""
        values = {
            "partner": self.partner.slug if self.partner else None,
            "kind": self.kind,
            "year": self.year,
            "status": self.status,
        }
        return {name: value for name, value in values.items() if value is not None}


def check_year(value) -> int:
    """*value* as a year of the history, or FilterError with a clear message."""
    try:
        year = int(str(value).strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise FilterError(
            _l(
                "The year must be a number from %(first)d to %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return year


def read_filters(args, default_status: str | None = None) -> HistoryFilters:
    """Filters from query arguments; no status means *default_status*. Unknown kinds and
    statuses are ignored (shown as "all"); a bad year raises FilterError, an unknown partner
    UnknownPartner."""
    slug = (args.get("partner") or "").strip()
    partner = get_partner(slug) if slug else None
    if slug and partner is None:
        raise UnknownPartner(slug)
    raw_year = (args.get("year") or "").strip()
    kind, status = args.get("kind"), args.get("status", default_status)
    return HistoryFilters(
        partner=partner,
        kind=kind if kind in MEETING_KINDS else None,
        year=check_year(raw_year) if raw_year else None,
        status=status if status in STATUS_CHOICES else ALL_STATUSES if default_status else None,
    )


def read_page(args) -> int:
    """The 1-based page number; anything that is not a positive number means the first."""
    return page_number(args)


def office_zone() -> str:
    return current_app.config["OFFICE_TIMEZONE"]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) of *year* on the office's clock, as UTC instants."""
    zone = ZoneInfo(office_zone())
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def scope_partner_ids(partner: Partner) -> list[int]:
    """The partner and its predecessors: a successor's history includes theirs."""
    return [p.id for p in lineage(partner)]


def meeting_conditions(filters: HistoryFilters, contact_id: int | None = None) -> list:
    """WHERE clauses for the meetings *filters* select (and, optionally, one contact's)."""
    conditions = []
    if filters.partner is not None:
        in_scope = meeting_ids_with_partners(scope_partner_ids(filters.partner))
        conditions.append(Meeting.id.in_(in_scope))
    if contact_id is not None:
        attended = sa.select(Participant.meeting_id).where(Participant.contact_id == contact_id)
        conditions.append(Meeting.id.in_(attended))
    if filters.kind:
        conditions.append(Meeting.kind == filters.kind)
    if filters.status == PAST:
        took_place = [MeetingStatus.HELD, MeetingStatus.CONFIRMED]
        conditions += [Meeting.status.in_(took_place), Meeting.start_dt < now_utc()]
    elif filters.status in MEETING_STATUSES:
        conditions.append(Meeting.status == filters.status)
    if filters.year:
        start, end = year_bounds(filters.year)
        conditions.extend([Meeting.start_dt >= start, Meeting.start_dt < end])
    return conditions


def eager_options() -> list:
    """What every history row shows, loaded for all rows at once (no N+1)."""
    return [
        selectinload(Meeting.partners),
        selectinload(Meeting.participants).selectinload(Participant.contact),
        selectinload(Meeting.participants).selectinload(Participant.user),
        selectinload(Meeting.outcome),
    ]


def newest_first(conditions: list) -> sa.Select:
    """The selected meetings, newest first, with what a row shows."""
    return (
        sa.select(Meeting)
        .where(*conditions)
        .order_by(Meeting.start_dt.desc(), Meeting.id.desc())
        .options(*eager_options())
    )


@dataclass
class Page:
    """One page of a history list."""

    meetings: list[Meeting]
    total: int
    number: int
    size: int = PAGE_SIZE
    years: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def history_page(conditions: list, number: int) -> Page:
    """Page *number* (clamped to the last) of the selected meetings, newest first."""
    total = db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(*conditions)) or 0
    number = min(number, max(1, math.ceil(total / PAGE_SIZE)))
    query = (
        sa.select(Meeting)
        .where(*conditions)
        .order_by(Meeting.start_dt.desc(), Meeting.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    meetings = rows.meeting_rows(query)  # plain records: the page only shows them
    return Page(meetings, total, number, years=group_by_year(meetings))


def office_year(meeting: Meeting) -> int:
    return meeting.start_dt.astimezone(ZoneInfo(office_zone())).year


def group_by_year(meetings: list[Meeting]) -> list[tuple[int, list[Meeting]]]:
    """Consecutive runs of meetings in the same office year (the list is newest first)."""
    return [(year, list(group)) for year, group in groupby(meetings, key=office_year)]


def from_predecessor(meeting: Meeting, partner: Partner, scope_ids: set[int]) -> list[Partner]:
    """The predecessors through which *meeting* is in *partner*'s timeline (empty = its own);
    *scope_ids* are the partner's and its predecessors' ids (scope_partner_ids)."""
    if any(p.id == partner.id for p in meeting.partners):
        return []
    return [p for p in meeting.partners if p.id in scope_ids]


def visits_for(filters: HistoryFilters, contact_id: int | None = None) -> list[Visit]:
    """Delegation visits matching *filters* (visits have no status; kind picks a direction)."""
    if filters.status in MEETING_STATUSES or (
        filters.kind and filters.kind not in DIRECTION_OF_KIND
    ):
        return []
    query = sa.select(Visit)
    if filters.status == PAST:  # a visit has no status: the ones that have begun
        query = query.where(Visit.start_date <= today_in(office_zone()))
    if filters.partner is not None:
        ids = scope_partner_ids(filters.partner)
        visited = sa.select(visit_partners.c.visit_id).where(visit_partners.c.partner_id.in_(ids))
        query = query.where(Visit.id.in_(visited))
    if contact_id is not None:
        on_roster = sa.select(VisitMember.visit_id).where(VisitMember.contact_id == contact_id)
        query = query.where(Visit.id.in_(on_roster))
    if filters.kind:
        query = query.where(Visit.direction == DIRECTION_OF_KIND[filters.kind])
    if filters.year:
        first, after = date(filters.year, 1, 1), date(filters.year + 1, 1, 1)
        query = query.where(Visit.start_date >= first, Visit.start_date < after)
    return rows.visit_rows(query.order_by(Visit.start_date.desc(), Visit.id.desc()))
