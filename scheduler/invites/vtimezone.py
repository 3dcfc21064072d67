"""VTIMEZONE components with yearly rules, built from the system's zoneinfo (RFC 5545 §3.6.5).

icalendar's own generator lists every past and future change of a zone as one long RDATE
and puts the daylight-saving onset in the wrong wall time; ical.js and vobject read only the
first RDATE value and Outlook ignores RDATE, so summer times came out an hour late. Here each
run of years in which a zone changed by the same rule (e.g. the last Sunday of March at 02:00)
becomes one STANDARD or DAYLIGHT observance with an RRULE, bounded by UNTIL when the rule
stopped; a change that did not repeat is an observance of its own. A zone without changes
over the span gets a single STANDARD observance.

Observance DTSTARTs are local wall times in the offset *before* the change (TZOFFSETFROM), as
the RFC requires. Only the rules in force from the calendar's first year on are written, so a
calendar's VTIMEZONE depends on its TZID and that year only.
"""

import calendar as monthcal
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Component, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# Changes are looked for from here (before any calendar this app writes) to ten years past
# the later of the calendar's first year and the current year (zoneinfo's rules go on).
SCAN_FIRST_YEAR = 1970
YEARS_AHEAD = 10
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Change:
    """One moment at which a zone's offset, abbreviation or daylight-saving flag changed."""

    at: datetime  # UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_daylight: bool

    @property
    def kind(self) -> tuple:
        """What every change of one observance shares."""
        return (self.is_daylight, self.offset_from, self.offset_to, self.name)

    @property
    def local_start(self) -> datetime:
        """The wall time at which the change happens, on the clock before it (naive)."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    def rules(self) -> set[tuple]:
        """The yearly rules this change fits: nth and (if it is the last) -1 weekday of the
        month, and the day of the month, each at its wall time."""
        start = self.local_start
        clock, month, day = start.time(), start.month, start.day
        weekday = WEEKDAYS[start.weekday()]
        fits = {(month, clock, "BYDAY", f"{(day - 1) // 7 + 1}{weekday}")}
        if day + 7 > monthcal.monthrange(start.year, month)[1]:
            fits.add((month, clock, "BYDAY", f"-1{weekday}"))
        fits.add((month, clock, "BYMONTHDAY", day))
        return fits


@dataclass
class Run:
    """Changes of one kind in consecutive years that all follow one yearly rule."""

    changes: list[Change]
    rules: set[tuple]

    def can_take(self, change: Change) -> bool:
        last = self.changes[-1]
        consecutive = change.local_start.year == last.local_start.year + 1
        return consecutive and change.kind == last.kind and bool(self.rules & change.rules())


def vtimezone(tzid: str, first_year: int, this_year: int | None = None) -> Timezone | None:
    """The VTIMEZONE for *tzid* valid from 1 January of *first_year* on (None if unknown).

    Shared between calls (cached): never change the component returned.
    """
    this_year = this_year or datetime.now(UTC).year
    return _vtimezone(tzid, first_year, max(first_year, this_year) + YEARS_AHEAD)


@lru_cache(maxsize=128)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone | None:
    try:
        zone = ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    changes = zone_changes(zone, SCAN_FIRST_YEAR, last_year)
    # Two days early: the first local midnight of the year, in any zone, is in the span.
    since = datetime(first_year, 1, 1, tzinfo=UTC) - timedelta(days=2)
    component = Timezone()
    component.add("tzid", tzid)
    if not any(change.at >= since for change in changes):
        settled = changes[-1].local_start.year + 1 if changes else SCAN_FIRST_YEAR
        component.add_component(_fixed_observance(zone, settled))
        return component
    runs = runs_in_force(changes, since)
    open_runs = _open_runs(runs, last_year)
    for run in runs:
        component.add_component(_observance(run, is_open=id(run) in open_runs))
    return component


def zone_changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[Change]:
    """Every change of *zone* from the start of *first_year* to the end of *last_year*."""
    moments = [
        datetime(year, month, 1, tzinfo=UTC)
        for year in range(first_year, last_year + 1)
        for month in range(1, 13)
    ]
    moments.append(datetime(last_year + 1, 1, 1, tzinfo=UTC))
    found = []
    for before, after in zip(moments, moments[1:], strict=False):
        # Sampling every 8 days finds each change even when a zone changes twice a month.
        step = before
        while step < after:
            following = min(step + timedelta(days=8), after)
            if _state(zone, step) != _state(zone, following):
                found.append(_change_at(zone, step, following))
            step = following
    return found


def _state(zone: ZoneInfo, moment: datetime) -> tuple:
    local = moment.astimezone(zone)
    return (local.utcoffset(), local.tzname(), local.dst())


def _change_at(zone: ZoneInfo, before: datetime, after: datetime) -> Change:
    """The change between *before* and *after* (one only), found to the second by bisection."""
    old = _state(zone, before)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if _state(zone, middle) == old:
            before = middle
        else:
            after = middle
    offset_to, name, saving = _state(zone, after)
    # Summer time, also where the law calls winter the exception (Europe/Dublin's negative
    # saving): the observance that ends a negative saving is the daylight one.
    is_daylight = saving > timedelta(0) or (saving == timedelta(0) and old[2] < timedelta(0))
    return Change(after, old[0], offset_to, name, is_daylight)


def runs_in_force(changes: list[Change], since: datetime) -> list[Run]:
    """The runs of *changes* that apply on or after *since*: the last change before it (the
    observance in force then) and everything later, grouped into yearly-rule runs."""
    earlier = [change for change in changes if change.at < since]
    start = len(earlier) - 1 if earlier else 0
    wanted = {change.at for change in changes[start:]}
    runs: dict[tuple, list[Run]] = {}
    for change in changes:
        same_kind = runs.setdefault(change.kind, [])
        if same_kind and same_kind[-1].can_take(change):
            same_kind[-1].changes.append(change)
            same_kind[-1].rules &= change.rules()
        else:
            same_kind.append(Run([change], change.rules()))
    kept = [
        run
        for kind_runs in runs.values()
        for run in kind_runs
        if any(change.at in wanted for change in run.changes)
    ]
    return sorted(kept, key=lambda run: run.changes[0].at)


def _open_runs(runs: list[Run], last_year: int) -> set[int]:
    """The runs still going at the end of the scan: their RRULE has no UNTIL."""
    return {id(run) for run in runs if run.changes[-1].local_start.year >= last_year}


def _observance(run: Run, is_open: bool) -> Component:
    first, last = run.changes[0], run.changes[-1]
    observance = TimezoneDaylight() if first.is_daylight else TimezoneStandard()
    observance.add("dtstart", first.local_start)
    if len(run.changes) > 1:
        observance.add("rrule", _rrule(min(run.rules, key=_rule_preference), last, is_open))
    observance.add("tzname", first.name)
    observance.add("tzoffsetfrom", first.offset_from)
    observance.add("tzoffsetto", first.offset_to)
    return observance


def _rule_preference(rule: tuple) -> tuple:
    """Weekday rules before day-of-month rules; "last Sunday" before "fifth Sunday"."""
    _month, _clock, part, value = rule
    return (part != "BYDAY", not str(value).startswith("-1"), str(value))


def _rrule(rule: tuple, last: Change, is_open: bool) -> vRecur:
    month, _clock, part, value = rule
    recur = vRecur({"FREQ": "YEARLY", "BYMONTH": month, part: value})
    if not is_open:
        # UNTIL is UTC (RFC 5545) and inclusive, but some readers (icalendar's own) compare it
        # with the local DTSTART; east of Greenwich that would drop the last change. The later
        # of the two readings lies before next year's change and includes the last under both.
        local_as_utc = last.local_start.replace(tzinfo=UTC)
        recur["UNTIL"] = max(last.at, local_as_utc)
    return recur


def _fixed_observance(zone: ZoneInfo, year: int) -> Component:
    """The one STANDARD observance of a zone that keeps one offset from *year* on."""
    start = datetime(year, 1, 1)
    offset, name, _daylight = _state(zone, start.replace(tzinfo=UTC))
    observance = TimezoneStandard()
    observance.add("dtstart", start)
    observance.add("tzname", name)
    observance.add("tzoffsetfrom", offset)
    observance.add("tzoffsetto", offset)
    return observance


def first_year_of(moments) -> int:
    """The first year (UTC) among *moments*, aware datetimes; this year when there are none."""
    return min((moment.astimezone(UTC).year for moment in moments), default=date.today().year)
