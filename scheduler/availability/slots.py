"""The slot finder: common free times of several people, ranked by comfort. Pure functions.

How it works, per search:
1. For every participant, their working blocks for each local day around the range, built as
   aware datetimes on that day in their own zone (so a DST change in Berlin is handled), then
   turned into POSIX seconds. Holidays, weekends and China's make-up working Sundays come from
   `holidays.day_info` with the staff overrides.
2. Their busy intervals (non-cancelled meetings), widened by the buffer, are subtracted by one
   sweep over both sorted lists; the results of all participants (and the room) are intersected
   the same way. No grid point is ever tested against a meeting.
3. Grid points (aligned to the first participant's local clock) are placed inside the common
   free intervals and scored; the lowest score comes first, ties go to the earlier start.

Scoring (lower is better), summed over the participants, each on their own clock:
- edge: ``max(0, 60 - margin)`` where *margin* is how many minutes the meeting keeps from the
  nearest edge of the working block it sits in (arrival, lunch break, end of the day). A
  meeting at 09:00 sharp or just before lunch costs up to 60; one an hour clear of both, 0.
- afternoon: 45 when it starts at or after 12:00 local time: people prefer mornings, and a
  Korean morning (10:00–12:00) is a Chinese morning that is not too early (09:00–11:00).
"""

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.availability.holidays import DayInfo, Override, day_info, name_in
from scheduler.availability.hours import WorkingHours, intervals_on
from scheduler.errors import UserError
from scheduler.timefmt import zone_label

EDGE_COMFORT_MINUTES = 60
AFTERNOON_PENALTY = 45
DEFAULT_STEP = timedelta(minutes=15)
MAX_RANGE_DAYS = 366
MIN_DURATION, MAX_DURATION = timedelta(minutes=5), timedelta(hours=24)
MAX_BUFFER = timedelta(hours=4)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY = 86400

Span = tuple[int, int]  # [start, end) in POSIX seconds


@dataclass(frozen=True)
class Person:
    """One participant as the slot finder sees them."""

    label: str
    zone: str
    hours: WorkingHours
    country: str | None = None  # CN, KR, or None (weekends only, no public holidays)
    overrides: Mapping[date, Override] = field(default_factory=dict)
    busy: Sequence[tuple[datetime, datetime]] = ()  # aware, sorted by start


@dataclass(frozen=True)
class Search:
    """What to look for. *first_day*/*last_day* are dates on the first person's clock."""

    people: Sequence[Person]
    duration: timedelta
    first_day: date
    last_day: date
    now: datetime | None = None  # no slot starts before now + notice; None: no such limit
    notice: timedelta = timedelta(0)
    buffer: timedelta = timedelta(0)
    step: timedelta = DEFAULT_STEP
    room_busy: Sequence[tuple[datetime, datetime]] = ()


@dataclass(frozen=True, order=True)
class Slot:
    score: int  # first: slots sort best first, then earlier first
    start: datetime  # aware UTC
    end: datetime


@dataclass(frozen=True)
class DayReason:
    """Why a day has no slot: a holiday or weekend of one side, too soon, or no common time."""

    kind: str  # "holiday", "weekend", "makeup_workday", "too_soon" or "no_common_time"
    country: str | None = None
    zone: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SlotResult:
    slots: list[Slot]  # best first
    skipped: dict[date, list[DayReason]]  # every day of the range without a slot


def person_day(person: Person, day: date) -> DayInfo:
    """What *day* is for *person*: their country's calendar, or plain weekdays."""
    if person.country:
        return day_info(person.country, day, person.overrides)
    return DayInfo(day.weekday() < 5, "workday" if day.weekday() < 5 else "weekend")


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted spans with overlapping and touching ones joined."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def working_blocks(person: Person, window: Span) -> list[Span]:
    """The person's working time that touches *window*, built day by day on their clock."""
    zone = ZoneInfo(person.zone)
    day = _utc(window[0]).astimezone(zone).date() - timedelta(days=1)
    last = _utc(window[1]).astimezone(zone).date()
    spans = []
    while day <= last:
        midnight = _midnight(day, zone)
        for interval in intervals_on(person.hours, day, person_day(person, day)):
            start = midnight + timedelta(minutes=interval.start)  # wall-clock arithmetic
            spans.append((_seconds(start), _seconds(midnight + timedelta(minutes=interval.end))))
        day += timedelta(days=1)
    return _merge(spans)


def _widened(busy, buffer: int) -> list[Span]:
    return _merge([(_seconds(start) - buffer, _seconds(end) + buffer) for start, end in busy])


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """*spans* minus *holes* (both sorted and merged), in one sweep."""
    result, index = [], 0
    for start, end in spans:
        while index < len(holes) and holes[index][1] <= start:
            index += 1
        probe, cursor = index, start
        while probe < len(holes) and holes[probe][0] < end:
            if holes[probe][0] > cursor:
                result.append((cursor, holes[probe][0]))
            cursor = max(cursor, holes[probe][1])
            probe += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def intersect(first: list[Span], second: list[Span]) -> list[Span]:
    """The common part of two sorted, merged span lists."""
    result, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        start, end = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def _window(search: Search) -> Span:
    zone = ZoneInfo(search.people[0].zone)
    start = _seconds(_midnight(search.first_day, zone))
    end = _seconds(_midnight(search.last_day + timedelta(days=1), zone))
    if search.now is not None:
        start = max(start, _seconds(search.now + search.notice))
    return start, end


def _offset(zone: ZoneInfo, seconds: int) -> int:
    return int(_utc(seconds).astimezone(zone).utcoffset().total_seconds())


@dataclass(frozen=True)
class _Clock:
    """One person's working blocks, to find the block a slot sits in when scoring it."""

    zone: ZoneInfo
    blocks: list[Span]
    starts: list[int]

    def block_and_offset(self, moment: int) -> tuple[Span, int]:
        block = self.blocks[bisect_right(self.starts, moment) - 1]
        return block, _offset(self.zone, moment)


def _penalty(start: int, end: int, block: Span, offset: int) -> int:
    margin = min(start - block[0], block[1] - end) // 60
    afternoon = AFTERNOON_PENALTY if (start + offset) % _DAY >= 12 * 3600 else 0
    return max(0, EDGE_COMFORT_MINUTES - margin) + afternoon


def _grid(span: Span, window: Span, duration: int, step: int, offset: int) -> range:
    """Starts on the step grid of the first person's clock with the whole meeting in *span*."""
    start = max(span[0], window[0])
    first = start + (-(start + offset)) % step
    return range(first, min(span[1] - duration, window[1] - 1) + 1, step)


def _place(search: Search, free: list[Span], clocks: list[_Clock], window: Span):
    """Scored grid points in the common free time, and the first person's days that have one."""
    duration, step = int(search.duration.total_seconds()), int(search.step.total_seconds())
    scored, days = [], set()
    for span in free:
        placed = [clock.block_and_offset(span[0]) for clock in clocks]
        offset = placed[0][1]
        for start in _grid(span, window, duration, step, offset):
            end = start + duration
            score = sum(_penalty(start, end, block, off) for block, off in placed)
            scored.append((score, start))
            days.add(date.fromordinal(_EPOCH_ORDINAL + (start + offset) // _DAY))
    scored.sort()
    return scored, days


def _common_free(search: Search, window: Span) -> tuple[list[Span], list[_Clock]]:
    buffer = int(search.buffer.total_seconds())
    free: list[Span] | None = None
    clocks, shared = [], {}
    for person in search.people:
        # Colleagues with the same zone, hours and calendar share one set of blocks.
        same = (person.zone, person.hours, person.country, id(person.overrides))
        if same not in shared:
            blocks = working_blocks(person, window)
            shared[same] = _Clock(ZoneInfo(person.zone), blocks, [b[0] for b in blocks])
        clocks.append(shared[same])
        blocks = shared[same].blocks
        own = subtract(blocks, _widened(person.busy, buffer))
        free = own if free is None else intersect(free, own)
    free = subtract(free or [], _widened(search.room_busy, buffer))
    return free, clocks


def _calendar_reasons(search: Search, day: date) -> list[DayReason]:
    reasons, seen = [], set()
    for person in search.people:
        info = person_day(person, day)
        if info.is_working_day:
            continue
        reason = DayReason(
            info.kind,
            person.country,
            None if person.country else person.zone,
            dict(info.names) if info.kind == "holiday" else {},
        )
        key = (reason.kind, reason.country, reason.zone)
        if key not in seen:
            seen.add(key)
            reasons.append(reason)
    return reasons


def _skipped(search: Search, slot_days: set[date], window: Span) -> dict[date, list[DayReason]]:
    zone = ZoneInfo(search.people[0].zone)
    skipped, day = {}, search.first_day
    while day <= search.last_day:
        if day not in slot_days:
            reasons = _calendar_reasons(search, day)
            if not reasons:
                too_soon = _seconds(_midnight(day + timedelta(days=1), zone)) <= window[0]
                reasons = [DayReason("too_soon" if too_soon else "no_common_time")]
            skipped[day] = reasons
        day += timedelta(days=1)
    return skipped


def find_slots(search: Search) -> SlotResult:
    """Every start on the grid where all people (and the room) are free, best first."""
    if not search.people:
        return SlotResult([], {})
    window = _window(search)
    free, clocks = _common_free(search, window)
    scored, slot_days = _place(search, free, clocks, window)
    duration = search.duration
    slots = [Slot(score, _utc(start), _utc(start) + duration) for score, start in scored]
    return SlotResult(slots, _skipped(search, slot_days, window))


def _half_day(slot: Slot, zone: ZoneInfo) -> tuple[date, bool]:
    local = slot.start.astimezone(zone)
    return local.date(), local.hour >= 12


def spread(slots: Sequence[Slot], zone: str, per_half_day: int) -> list[Slot]:
    """At most *per_half_day* slots per (day, morning/afternoon) on *zone*'s clock, none
    overlapping another of its half-day, taken in rounds: every half-day's best slot first
    (best score first, as *slots* are ranked), then every half-day's second best, and so on.

    So a short list shows different days and both parts of the day instead of quarter-hour
    variants of one morning; each slot keeps the finder's score.
    """
    clock, buckets = ZoneInfo(zone), {}
    for slot in slots:
        taken = buckets.setdefault(_half_day(slot, clock), [])
        clear = all(slot.end <= other.start or slot.start >= other.end for other in taken)
        if len(taken) < per_half_day and clear:
            taken.append(slot)
    rounds = [sorted(b[n] for b in buckets.values() if len(b) > n) for n in range(per_half_day)]
    return [slot for ranked in rounds for slot in ranked]


class SlotInputError(UserError):
    """A search that cannot be run; ``message`` is translated."""


def check_range(first_day: date, last_day: date) -> None:
    """The date range runs forwards and covers at most 366 days (both ends included)."""
    if last_day < first_day:
        raise SlotInputError(_l("The last day is before the first day."))
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise SlotInputError(_l("Search at most %(days)d days at a time.", days=MAX_RANGE_DAYS))


def check_duration(duration: timedelta) -> None:
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise SlotInputError(_l("A meeting lasts between 5 minutes and 24 hours."))


def check_buffer(buffer: timedelta) -> None:
    if not timedelta(0) <= buffer <= MAX_BUFFER:
        raise SlotInputError(_l("The buffer is between 0 and 240 minutes."))


def _country_name(reason: DayReason) -> str:
    if reason.country == "CN":
        return _("China")
    if reason.country == "KR":
        return _("Korea")
    return zone_label(reason.zone) if reason.zone else ""


def reason_text(reason: DayReason, lang: str) -> str:
    """Why a day is skipped, for people: ``Korea: Chuseok``, ``China: weekend``."""
    if reason.kind in ("holiday", "makeup_workday"):
        name = name_in(reason.names, lang)
        return _("%(country)s: %(holiday)s", country=_country_name(reason), holiday=name)
    if reason.kind == "weekend":
        return _("%(country)s: weekend", country=_country_name(reason))
    if reason.kind == "too_soon":
        return _("Too soon: within the minimum notice.")
    return _("No common free time.")
