"""Exchange statistics, aggregated in SQL (GROUP BY): a handful of small result sets,
never the meetings themselves, so the page costs the same at 50 or 50,000 meetings.

Years and months are those of the office's calendar (OFFICE_TIMEZONE, Changchun by default).
An exchange is a meeting that is planned, happening or held: drafts and cancelled meetings
are not counted. Visits are counted as scheduler/visits/directions.py defines them: a
recorded visit (with at least one counted meeting) is one exchange of its direction's kind,
and the meetings of a visit kind on its itinerary are that visit, not exchanges of their own.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from scheduler import timefmt
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FOLLOW_UP_STATUSES, FollowUp
from scheduler.history.timeline import (
    HistoryFilters,
    meeting_conditions,
    office_zone,
    scope_partner_ids,
    year_bounds,
)
from scheduler.meetings.models import MEETING_KINDS, Meeting, MeetingKind, MeetingStatus
from scheduler.meetings.models import meeting_partners as link
from scheduler.partners.models import Partner
from scheduler.visits.directions import (
    DIRECTION_OF_KIND,
    kind_of_direction_sql,
    stands_for_its_visit,
)
from scheduler.visits.models import Visit, visit_partners

COUNTED_STATUSES = (
    MeetingStatus.TENTATIVE,
    MeetingStatus.CONFIRMED,
    MeetingStatus.HELD,
    MeetingStatus.POSTPONED,
)
# The status column of a recorded visit's row in the grouped counts (a visit has none).
VISIT_ROW = "visit"


def _office_offset_minutes() -> int:
    """The office zone's offset from UTC. Changchun has kept UTC+8 without DST since 1991,
    so one offset places every meeting of the history in the right office day."""
    offset = datetime.now(ZoneInfo(office_zone())).utcoffset()
    return int(offset.total_seconds() // 60)


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _office_part(part: str, column) -> sa.ColumnElement:
    """The year or month of *column* (naive UTC in the database) on the office's clock."""
    minutes = _office_offset_minutes()
    if _is_sqlite():
        return _sqlite_office_part(part, column, minutes)
    interval = sa.literal_column(f"INTERVAL '{minutes} minutes'", sa.Interval)
    return sa.cast(sa.extract(part, sa.type_coerce(column, sa.DateTime) + interval), sa.Integer)


def _sqlite_office_part(part: str, column, minutes: int) -> sa.ColumnElement:
    """SQLite keeps datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text. The office's month is the
    text's own month except late (or early) on a month's last (or first) day: only those rows
    pay for strftime(); slicing the text is several times cheaper on 50,000 rows."""
    start, length = {"year": (1, 4), "month": (6, 2)}[part]
    plain = sa.cast(sa.func.substr(column, start, length), sa.Integer)
    if minutes == 0:
        return plain
    pattern = {"year": "%Y", "month": "%m"}[part]
    exact = sa.cast(sa.func.strftime(pattern, column, f"{minutes:+d} minutes"), sa.Integer)
    time_of_day, day = sa.func.substr(column, 12), sa.func.substr(column, 9, 2)
    if minutes > 0:  # UTC evenings on the 28th to 31st may be the next month already
        edge = f"{(24 * 60 - minutes) // 60:02d}:{(24 * 60 - minutes) % 60:02d}"
        near_edge = sa.and_(day >= "28", time_of_day >= edge)
    else:  # UTC mornings on the 1st may still be the month before
        edge = f"{-minutes // 60:02d}:{-minutes % 60:02d}"
        near_edge = sa.and_(day == "01", time_of_day < edge)
    return sa.case((near_edge, exact), else_=plain)


def _date_part(part: str, column) -> sa.ColumnElement:
    """The year or month of a calendar-day *column* (a visit's first day): no clock to shift."""
    if _is_sqlite():  # 'YYYY-MM-DD' text
        start, length = {"year": (1, 4), "month": (6, 2)}[part]
        return sa.cast(sa.func.substr(column, start, length), sa.Integer)
    return sa.cast(sa.extract(part, column), sa.Integer)


def office_year_expr(column) -> sa.ColumnElement:
    return _office_part("year", column)


def office_month_expr(column) -> sa.ColumnElement:
    return _office_part("month", column)


@dataclass
class PartnerYears:
    """One partner's exchanges per year (a row of the partner × year table)."""

    partner: Partner
    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class YearChange:
    year: int
    count: int
    change: int | None  # against the year before; None for the first year
    percent: float | None  # None when the year before had none


@dataclass
class Statistics:
    """Every figure of the statistics page and the annual report."""

    year: int | None
    month_year: int
    by_year: dict[int, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_month: list[int] = field(default_factory=lambda: [0] * 12)
    by_partner: list[PartnerYears] = field(default_factory=list)
    partner_years: list[int] = field(default_factory=list)
    video_links_held: int = 0
    video_links_held_in_year: int = 0
    visits: dict[str, int] = field(default_factory=dict)
    follow_ups: dict[str, int] = field(default_factory=dict)
    overdue_follow_ups: int = 0

    @property
    def total(self) -> int:
        """Exchanges in the selected year (or in all years)."""
        return self.by_year.get(self.year, 0) if self.year else sum(self.by_year.values())

    @property
    def years_with_data(self) -> list[int]:
        """The years with at least one exchange, oldest first (whatever year is selected)."""
        return sorted(year for year, n in self.by_year.items() if n)

    def year_over_year(self) -> list[YearChange]:
        """Every year from the first with exchanges to the last, with the change; with a
        year selected, none after it (a report for 2026 says nothing about 2027)."""
        years = [y for y in self.years_with_data if not self.year or y <= self.year]
        if not years:
            return []
        changes, previous = [], None
        for year in range(years[0], years[-1] + 1):
            count = self.by_year.get(year, 0)
            change = None if previous is None else count - previous
            percent = change * 100 / previous if previous else None
            changes.append(YearChange(year, count, change, percent))
            previous = count
        return changes


def compute_statistics(partner: Partner | None, year: int | None) -> Statistics:
    """All figures for one partner (with its predecessors) or all, in one year or all."""
    month_year = year or timefmt.current_year(office_zone())
    stats = Statistics(year=year, month_year=month_year)
    for key, n in _grouped_exchanges(partner).items():
        _add_group(stats, GroupKey(*key), n)
    stats.by_kind = {kind: stats.by_kind.get(kind, 0) for kind in MEETING_KINDS}
    stats.visits = {d: stats.by_kind[kind] for kind, d in DIRECTION_OF_KIND.items()}
    stats.by_partner, stats.partner_years = _by_partner_and_year(partner, year)
    stats.follow_ups, stats.overdue_follow_ups = _follow_ups(partner, year)
    return stats


@dataclass(frozen=True)
class GroupKey:
    year: int
    month: int
    kind: str
    status: str  # VISIT_ROW for recorded visits


def _add_group(stats: Statistics, key: GroupKey, n: int) -> None:
    stats.by_year[key.year] = stats.by_year.get(key.year, 0) + n
    is_video_held = key.kind == MeetingKind.VIDEO_LINK and key.status == MeetingStatus.HELD
    stats.video_links_held += n if is_video_held else 0
    if key.year == stats.month_year:
        stats.by_month[key.month - 1] += n
    if stats.year and key.year != stats.year:
        return
    stats.by_kind[key.kind] = stats.by_kind.get(key.kind, 0) + n
    stats.video_links_held_in_year += n if is_video_held else 0


def _counted(partner: Partner | None) -> list:
    """The meetings counted on their own: not drafts or cancelled, not the visit-kind items
    of a recorded visit (the visit counts for them)."""
    conditions = meeting_conditions(HistoryFilters(partner=partner))
    return [
        *conditions,
        Meeting.status.in_(COUNTED_STATUSES),
        sa.not_(stands_for_its_visit(Meeting.kind, Meeting.visit_id)),
    ]


def _counted_visits(partner: Partner | None) -> list:
    """The recorded visits counted: those with a counted meeting (a visit whose programme is
    all drafts is not an exchange yet, as a draft meeting is not)."""
    going_ahead = sa.select(Meeting.visit_id).where(Meeting.status.in_(COUNTED_STATUSES))
    conditions = [Visit.id.in_(going_ahead)]
    if partner is not None:
        ids = scope_partner_ids(partner)
        visited = sa.select(visit_partners.c.visit_id).where(visit_partners.c.partner_id.in_(ids))
        conditions.append(Visit.id.in_(visited))
    return conditions


def _group_columns() -> tuple:
    year, month = office_year_expr(Meeting.start_dt), office_month_expr(Meeting.start_dt)
    return (
        year.label("year"),
        month.label("month"),
        Meeting.kind.label("kind"),
        Meeting.status.label("status"),
    )


def _visit_group_columns() -> tuple:
    return (
        _date_part("year", Visit.start_date).label("year"),
        _date_part("month", Visit.start_date).label("month"),
        kind_of_direction_sql(Visit.direction).label("kind"),
        sa.literal_column(f"'{VISIT_ROW}'", sa.String).label("status"),
    )


def _grouped_exchanges(partner: Partner | None) -> dict[tuple, int]:
    """Counts by office year, month, kind and status, recorded visits as rows of their
    direction's kind: at most a few thousand rows, whatever the number of meetings."""
    columns, visit_columns = _group_columns(), _visit_group_columns()
    meetings = sa.select(*columns, sa.func.count()).where(*_counted(partner)).group_by(*columns)
    visits = (
        sa.select(*visit_columns, sa.func.count())
        .where(*_counted_visits(partner))
        .group_by(*visit_columns[:3])
    )
    counts: dict[tuple, int] = {}
    for *key, n in db.session.execute(sa.union_all(meetings, visits)):
        counts[tuple(key)] = counts.get(tuple(key), 0) + n
    return counts


def _by_partner_and_year(partner: Partner | None, year: int | None):
    """Rows of the partner × year table: a meeting or visit with two partners counts for
    each. (A separate query: folding the partner links into the grouping above sorts more
    rows and measured slower than two passes.)"""
    counts: dict[int, dict[int, int]] = {}
    query = sa.union_all(_partner_meetings(partner, year), _partner_visits(partner, year))
    for partner_id, row_year, n in db.session.execute(query):
        by_year = counts.setdefault(partner_id, {})
        by_year[row_year] = by_year.get(row_year, 0) + n
    partners = db.session.scalars(
        sa.select(Partner).where(Partner.id.in_(counts)).order_by(Partner.kr_code)
    )
    rows = [PartnerYears(p, counts[p.id]) for p in partners]
    years = sorted({y for row in rows for y in row.counts})
    return rows, years


def _partner_meetings(partner: Partner | None, year: int | None) -> sa.Select:
    year_expr = office_year_expr(Meeting.start_dt).label("year")
    meeting_id = Meeting.id
    if _is_sqlite():
        # SQLite would look up each link's meeting by id, hopping around the wide meetings
        # table; "+ 0" keeps it off that index, so it reads the meetings in order and finds
        # their links in the narrow link index instead (3 times faster at 50,000 meetings).
        meeting_id = Meeting.id + 0
    query = (
        sa.select(link.c.partner_id, year_expr, sa.func.count())
        .select_from(link)
        .join(Meeting, meeting_id == link.c.meeting_id)
        .where(*_counted(partner))
        .group_by(link.c.partner_id, year_expr)
    )
    if partner is not None:
        query = query.where(link.c.partner_id.in_(scope_partner_ids(partner)))
    if year is not None:
        start, end = year_bounds(year)
        query = query.where(Meeting.start_dt >= start, Meeting.start_dt < end)
    return query


def _partner_visits(partner: Partner | None, year: int | None) -> sa.Select:
    year_expr = _date_part("year", Visit.start_date).label("year")
    query = (
        sa.select(visit_partners.c.partner_id, year_expr, sa.func.count())
        .select_from(visit_partners)
        .join(Visit, Visit.id == visit_partners.c.visit_id)
        .where(*_counted_visits(partner))
        .group_by(visit_partners.c.partner_id, year_expr)
    )
    if partner is not None:
        query = query.where(visit_partners.c.partner_id.in_(scope_partner_ids(partner)))
    if year is not None:
        query = query.where(
            Visit.start_date >= date(year, 1, 1), Visit.start_date < date(year + 1, 1, 1)
        )
    return query


def _follow_ups(partner: Partner | None, year: int | None) -> tuple[dict[str, int], int]:
    """Follow-up actions of the selected meetings by status, and how many open ones are late."""
    conditions = meeting_conditions(HistoryFilters(partner=partner, year=year))
    late = sa.case((FollowUp.due_date < _office_today(), 1), else_=0)
    query = sa.select(
        FollowUp.status, sa.func.count(), sa.func.coalesce(sa.func.sum(late), 0)
    ).group_by(FollowUp.status)
    if conditions:  # all meetings need no look-up
        query = query.where(FollowUp.meeting_id.in_(sa.select(Meeting.id).where(*conditions)))
    counts = dict.fromkeys(FOLLOW_UP_STATUSES, 0)
    overdue = 0
    for status, n, n_late in db.session.execute(query):
        counts[status] = n
        overdue += int(n_late) if status == "open" else 0
    return counts, overdue


def _office_today() -> date:
    return datetime.now(ZoneInfo(office_zone())).date()
