"""Calendar grids in the viewer's zone: periods, weeks, meetings placed on days, holiday marks.

Pure functions: the caller loads meetings and holiday overrides and passes them in, so the
month view costs the same handful of queries whatever the number of meetings.
"""

import calendar as stdlib_calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_interval, get_day_names
from flask_babel import gettext as _

from scheduler.availability.holidays import COUNTRIES, Override, day_info, name_in
from scheduler.meetings.models import MeetingStatus
from scheduler.meetings.tech_check import tech_check_at
from scheduler.timefmt import (
    date_then_time,
    format_clock,
    format_day,
    format_skeleton,
    format_span,
    with_clock_name,
)

VIEWS = ("agenda", "week", "month")
AGENDA_DAYS, AGENDA_MAX_DAYS = 14, 92
NATIVE_LANGUAGE = {"CN": "zh", "KR": "ko"}
MARKED_KINDS = ("holiday", "makeup_workday")


@dataclass(frozen=True)
class Period:
    """The days one view shows (both ends included) and where prev/next lead."""

    view: str
    anchor: date
    first: date
    last: date
    previous: date
    next: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def period_for(view: str, anchor: date, days: int = AGENDA_DAYS) -> Period:
    """The period of *view* around *anchor*: Monday-first full weeks for week and month."""
    if view == "agenda":
        step = timedelta(days=days)
        return Period(
            view, anchor, anchor, anchor + step - timedelta(days=1), anchor - step, anchor + step
        )
    if view == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return Period(
            view,
            anchor,
            monday,
            monday + timedelta(days=6),
            anchor - timedelta(days=7),
            anchor + timedelta(days=7),
        )
    month_start = anchor.replace(day=1)
    month_end = _add_months(month_start, 1) - timedelta(days=1)
    first = month_start - timedelta(days=month_start.weekday())
    last = month_end + timedelta(days=6 - month_end.weekday())
    return Period(
        view, month_start, first, last, _add_months(month_start, -1), _add_months(month_start, 1)
    )


def weeks_of(period: Period) -> list[list[date]]:
    """The period's days cut into rows of seven (the month table)."""
    days = period.days
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def utc_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """[local midnight of *first*, local midnight after *last*) in *zone*, as UTC instants."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_days(start: datetime, end: datetime, zone: str) -> list[date]:
    """The days of *zone* that [start, end) touches: a meeting past midnight shows on both."""
    tz = ZoneInfo(zone)
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def place_on_days(entries: Iterable, zone: str, period: Period) -> dict[date, list]:
    """Every day of *period* mapped to the entries (with .start/.end) on it, in entry order."""
    placed: dict[date, list] = {day: [] for day in period.days}
    for entry in entries:
        for day in local_days(entry.start, entry.end, zone):
            if day in placed:
                placed[day].append(entry)
    return placed


def period_title(period: Period, lang: str) -> str:
    """``2026年9月`` for a month, ``2026年9月21日 – 27日`` for a week or an agenda span."""
    if period.view == "month":
        return format_skeleton("yMMMM", period.anchor, locale=lang)
    if period.first == period.last:
        return format_skeleton("yMMMEd", period.first, locale=lang)
    return format_interval(period.first, period.last, "yMMMd", locale=lang)


def day_title(day: date, lang: str) -> str:
    """``9月25日（周五）`` / ``9월 25일(금)`` / ``Fri, Sep 25``; the year when not this one."""
    return format_day(day, lang)


def weekday_names(lang: str) -> list[str]:
    """Monday to Sunday, abbreviated, for the month table's column headers."""
    names = get_day_names("abbreviated", locale=lang)
    return [names[index] for index in range(7)]


@dataclass(frozen=True)
class HolidayMark:
    """One country's holiday or make-up working day on one day, named for the reader."""

    country: str  # CN or KR
    kind: str  # holiday or makeup_workday (or a named workday override)
    name: str
    native_name: str  # in the country's own script; '' when the reader already sees it


def _mark(country: str, info, lang: str) -> HolidayMark:
    name = name_in(info.names, lang)
    native = info.names.get(NATIVE_LANGUAGE[country], "")
    return HolidayMark(country, info.kind, name, native if native and native != name else "")


def _is_marked(info) -> bool:
    named_override = info.source == "override" and any(info.names.values())
    return info.kind in MARKED_KINDS or named_override


def holiday_marks(
    period: Period, lang: str, overrides: Mapping[str, Mapping[date, Override]]
) -> dict[date, list[HolidayMark]]:
    """Holidays and China's make-up working days of both countries on the period's days.

    *overrides* maps 'CN'/'KR' to that country's staff overrides (they win over the package).
    """
    marks: dict[date, list[HolidayMark]] = {}
    for day in period.days:
        for country in COUNTRIES:
            info = day_info(country, day, overrides.get(country))
            if _is_marked(info):
                marks.setdefault(day, []).append(_mark(country, info, lang))
    return marks


def clock_span(start: datetime, end: datetime, zone: str, lang: str, own: bool = True) -> str:
    """``14:30–16:00`` on the clock of *zone* in the reader's one clock style; another zone's
    span carries its clock's name: ``15:30–17:00（首尔时间）``."""
    text = format_span(start, end, zone, lang)
    return text if own else with_clock_name(text, zone, start, lang)


def other_clock_span(
    start: datetime, end: datetime, own_zone: str, other_zone: str, lang: str
) -> str:
    """The other side's span with its clock, dated when its day differs from the reader's
    (as `timefmt.dual_clock` does)."""
    text = clock_span(start, end, other_zone, lang, own=False)
    other_day = start.astimezone(ZoneInfo(other_zone)).date()
    own_day = start.astimezone(ZoneInfo(own_zone)).date()
    if other_day != own_day:  # the day heading above says the reader's date and year
        text = date_then_time(format_day(other_day, lang, own_day.year), text, lang)
    return text


@dataclass(frozen=True)
class Entry:
    """One meeting as the calendar shows it: no ORM object, so templates cannot lazy-load."""

    id: int
    title: str
    kind: str
    status: str
    start: datetime
    end: datetime
    partners: tuple[str, ...]
    own_time: str
    other_time: str  # '' unless the partner side's clock is asked for
    tech_check: str = ""  # "技术调试：14:00" for a video link with a check, on the reader's clock

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


def make_entry(
    row, title: str, partners: tuple[str, ...], zone: str, lang: str, other_zone: str | None
) -> Entry:
    """An Entry from a row with id, kind, status, start_dt, end_dt and tech_check_minutes
    (times for the reader)."""
    own = clock_span(row.start_dt, row.end_dt, zone, lang)
    other = ""
    if other_zone:
        other = other_clock_span(row.start_dt, row.end_dt, zone, other_zone, lang)
    return Entry(
        row.id,
        title,
        row.kind,
        row.status,
        row.start_dt,
        row.end_dt,
        partners,
        own,
        other,
        _tech_check(row, zone, lang),
    )


def _tech_check(row, zone: str, lang: str) -> str:
    check_at = tech_check_at(row) if row.status != MeetingStatus.CANCELLED else None
    if check_at is None:
        return ""
    return _("Technical check: %(time)s", time=format_clock(check_at, zone, lang))


@dataclass(frozen=True)
class VisitBand:
    """A delegation visit as the month shows it: one bar over its days (in the visit's place)."""

    id: int
    title: str
    direction: str  # inbound or outbound
    first: date
    last: date


@dataclass(frozen=True)
class BandPiece:
    """The part of a visit's bar inside one week row: *span* columns from column *column*."""

    band: VisitBand
    column: int
    span: int
    continues_before: bool
    continues_after: bool


def _lanes(pieces: list[BandPiece]) -> list[list[BandPiece]]:
    """Pieces stacked into as few lanes as needed, no two overlapping in one lane."""
    lanes: list[list[BandPiece]] = []
    for piece in sorted(pieces, key=lambda p: (p.column, -p.span, p.band.id)):
        lane = next(
            (lane for lane in lanes if lane[-1].column + lane[-1].span <= piece.column), None
        )
        if lane is None:
            lanes.append([piece])
        else:
            lane.append(piece)
    return lanes


def band_rows(week: list[date], bands: Iterable[VisitBand]) -> list[list[tuple[int, object]]]:
    """The visit bars of one week row as lanes of cells: (columns, BandPiece) for a bar and
    (columns, None) for the gap before it; a visit over two weeks is cut at the row's edge."""
    pieces = []
    for band in bands:
        first, last = max(band.first, week[0]), min(band.last, week[-1])
        if first <= last:
            column = (first - week[0]).days
            span = (last - first).days + 1
            pieces.append(BandPiece(band, column, span, band.first < first, band.last > last))
    rows = []
    for lane in _lanes(pieces):
        cells: list[tuple[int, object]] = []
        at = 0
        for piece in lane:
            if piece.column > at:
                cells.append((piece.column - at, None))
            cells.append((piece.span, piece))
            at = piece.column + piece.span
        if at < len(week):
            cells.append((len(week) - at, None))
        rows.append(cells)
    return rows
