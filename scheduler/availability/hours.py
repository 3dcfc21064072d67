"""Working hours: parse, format and apply a weekly pattern such as ``Mon-Fri 09:00-17:30``.

A `WorkingHours` holds, for each weekday (Mon=0 … Sun=6), a sorted tuple of non-overlapping
`Interval`s in minutes after midnight. Times are wall-clock times in the person's own zone.
"""

import calendar as stdlib_calendar
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
# 至/到 and ~ are how Chinese and Korean write a range ("周一至周五", "월~금").
_DASHES = str.maketrans({"–": "-", "—": "-", "~": "-", "、": ",", "至": "-", "到": "-"})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
# The days are everything before the first digit, in any of the three languages.
_PART = re.compile(r"^(\D*?)\s*(\d.*)?$")
_ZH_DAYS = "一二三四五六日"
_KO_DAYS = "월화수목금토일"
# Day names people type, lower-cased, to Mon=0 … Sun=6: English abbreviations and names,
# Chinese 周一/星期一 (Sunday also 周天/星期天), Korean 월/월요일.
DAY_NAMES = {
    **{name.lower(): i for i, name in enumerate(WEEKDAYS)},
    **{stdlib_name.lower(): i for i, stdlib_name in enumerate(stdlib_calendar.day_name)},
    **{f"{prefix}{char}": i for i, char in enumerate(_ZH_DAYS) for prefix in ("周", "星期")},
    "周天": 6,
    "星期天": 6,
    **{char: i for i, char in enumerate(_KO_DAYS)},
    **{f"{char}요일": i for i, char in enumerate(_KO_DAYS)},
}
# Words that mean Monday to Friday.
WORKWEEK_WORDS = {"weekdays", "workdays", "工作日", "平日", "평일", "주중"}


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
    index = DAY_NAMES.get(name.strip().lower())
    if index is None:
        raise HoursError(
            _l(
                'Unknown day "%(day)s". Write the days as Mon-Fri, or as weekdays.',
                day=name,
            )
        )
    return index


def _range_end(first: str, last: str) -> str:
    """ "五" in "周一至五" borrows its prefix from the first day: 周五 (likewise 星期)."""
    for prefix in ("星期", "周"):
        if first.startswith(prefix) and len(last) == 1 and last in _ZH_DAYS + "天":
            return prefix + last
    return last


def _parse_days(spec: str) -> list[int]:
    if spec.strip().lower() in WORKWEEK_WORDS:
        return list(range(5))
    days: set[int] = set()
    for token in spec.split(","):
        first, _, last = token.partition("-")
        start = _weekday(first)
        end = _weekday(_range_end(first, last)) if last else start
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
    day_spec = day_spec.strip()
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
