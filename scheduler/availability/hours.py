"""Working hours: parse, format and apply a weekly pattern such as ``Mon-Fri 09:00-17:30``.

A `WorkingHours` holds, for each weekday (Mon=0 … Sun=6), a sorted tuple of non-overlapping
`Interval`s in minutes after midnight. Times are wall-clock times in the person's own zone.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from scheduler.errors import UserError
from scheduler.sides import KOREA
from scheduler.timefmt import normalize_timezone

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 24 * 60
_DASHES = str.maketrans({"–": "-", "—": "-", "~": "-", "、": ","})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_PART = re.compile(r"^([A-Za-z,\-]*)\s*(.*)$")


class HoursError(UserError):
    """Working-hours text that cannot be read; ``str(error)`` is the translated reason."""


class Interval(NamedTuple):
    """A working interval on one day, in minutes after midnight (end may be 1440, i.e. 24:00)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    def on(self, day: date, zone: str) -> tuple[datetime, datetime]:
        """The interval as aware datetimes on *day* in *zone* (24:00 is the next midnight)."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
        return midnight + timedelta(minutes=self.start), midnight + timedelta(minutes=self.end)


@dataclass(frozen=True)
class WorkingHours:
    """Seven tuples of intervals, Monday first."""

    days: tuple[tuple[Interval, ...], ...]

    def for_weekday(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]

    def __str__(self) -> str:
        return format_hours(self)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _normalize(text: str) -> str:
    """Fold full-width characters and dashes, tidy spaces around separators."""
    text = unicodedata.normalize("NFKC", text or "").translate(_DASHES)
    return re.sub(r"\s*([-,:])\s*", r"\1", text).strip()


def _parse_time(text: str, is_end: bool) -> int:
    match = _TIME.match(text)
    hours, minutes = (int(match[1]), int(match[2])) if match else (99, 99)
    if hours == 24 and minutes == 0 and is_end:
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise HoursError(_l('"%(text)s" is not a time. Use HH:MM, for example 09:00.', text=text))
    return hours * 60 + minutes


def _parse_interval(text: str) -> Interval:
    pieces = text.split("-")
    if len(pieces) != 2:
        raise HoursError(
            _l(
                '"%(text)s" is not a time range. Use HH:MM-HH:MM, for example 09:00-12:00.',
                text=text,
            )
        )
    interval = Interval(_parse_time(pieces[0], False), _parse_time(pieces[1], True))
    if interval.end <= interval.start:
        raise HoursError(_l("The time range %(range)s ends before it starts.", range=text))
    return interval


def _weekday(name: str) -> int:
    for index, known in enumerate(WEEKDAYS):
        if name.lower() == known.lower():
            return index
    raise HoursError(
        _l('Unknown day "%(day)s". Use Mon, Tue, Wed, Thu, Fri, Sat or Sun.', day=name)
    )


def _parse_days(spec: str) -> list[int]:
    days: set[int] = set()
    for token in spec.split(","):
        first, _, last = token.partition("-")
        start = _weekday(first)
        end = _weekday(last) if last else start
        if end < start:
            raise HoursError(
                _l("The day range %(range)s must run from Monday towards Sunday.", range=token)
            )
        days.update(range(start, end + 1))
    return sorted(days)


def _checked_day(weekday: int, intervals: list[Interval]) -> tuple[Interval, ...]:
    ordered = sorted(intervals)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise HoursError(
                _l(
                    "The time ranges %(first)s and %(second)s overlap on %(day)s.",
                    first=str(before),
                    second=str(after),
                    day=WEEKDAYS[weekday],
                )
            )
    return tuple(ordered)


def _parse_part(part: str, days: list[list[Interval]]) -> None:
    day_spec, ranges = _PART.match(part).groups()
    if not day_spec or not ranges:
        raise HoursError(
            _l(
                'Each part needs days and times, for example "Mon-Fri 09:00-17:00"; '
                'this one does not: "%(part)s".',
                part=part,
            )
        )
    intervals = [_parse_interval(r) for r in ranges.split(",") if r.strip()]
    for weekday in _parse_days(day_spec):
        days[weekday].extend(intervals)


def parse_hours(text: str) -> WorkingHours:
    """Read working hours such as ``Mon-Thu 09:00-18:00; Fri 09:00-15:00``. Raises HoursError."""
    text = _normalize(text)
    if not text:
        raise HoursError(_l("Enter working hours, for example Mon-Fri 09:00-12:00,13:30-17:30."))
    days: list[list[Interval]] = [[] for _ in WEEKDAYS]
    for part in re.split(r"[;\n]", text):
        if part.strip():
            _parse_part(part.strip(), days)
    return WorkingHours(tuple(_checked_day(i, day) for i, day in enumerate(days)))


def _day_spec(weekdays: list[int]) -> str:
    """``[0, 1, 2, 4]`` → ``Mon-Wed,Fri``."""
    runs: list[list[int]] = []
    for weekday in weekdays:
        if runs and runs[-1][-1] == weekday - 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return ",".join(
        WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        for run in runs
    )


def format_hours(hours: WorkingHours) -> str:
    """The canonical text of *hours*; `parse_hours` reads it back to an equal value."""
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for weekday, intervals in enumerate(hours.days):
        if intervals:
            groups.setdefault(intervals, []).append(weekday)
    return "; ".join(
        f"{_day_spec(weekdays)} {','.join(str(i) for i in intervals)}"
        for intervals, weekdays in groups.items()
    )


CHINA_HOURS = parse_hours("Mon-Fri 09:00-12:00,13:30-17:30")
KOREA_HOURS = parse_hours("Mon-Fri 09:00-12:00,13:00-18:00")


def default_hours_for_zone(zone: str | None) -> WorkingHours:
    """Korean office hours on Seoul's clock, Chinese office hours for any other zone."""
    return KOREA_HOURS if normalize_timezone(zone) == KOREA.zone else CHINA_HOURS


def effective_hours(person_text: str | None, partner_text: str | None, zone: str | None):
    """The person's own hours, else their partner's default, else the default of their side.

    Stored text is validated when entered; text that no longer parses is skipped rather than
    blocking the slot finder.
    """
    for text in (person_text, partner_text):
        if text and text.strip():
            try:
                return parse_hours(text)
            except HoursError:
                continue
    return default_hours_for_zone(zone)


def intervals_on(hours: WorkingHours, day: date, info=None) -> tuple[Interval, ...]:
    """The intervals worked on *day*, given its `DayInfo` (from the holiday calendar) if known.

    A holiday has none. A weekend make-up workday (调休) follows the person's normal weekday
    pattern: which weekday it replaces is not known, so the first weekday with hours is used.
    """
    kind = getattr(info, "kind", None)
    if kind == "holiday":
        return ()
    if kind == "makeup_workday" and day.weekday() >= 5:
        return next((hours.days[i] for i in range(5) if hours.days[i]), ())
    return hours.days[day.weekday()]


def intervals_in_zone(
    hours: WorkingHours, day: date, zone: str, info=None
) -> list[tuple[datetime, datetime]]:
    """`intervals_on` as aware (start, end) datetimes in *zone*."""
    return [interval.on(day, zone) for interval in intervals_on(hours, day, info)]
