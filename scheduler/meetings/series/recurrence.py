"""Recurrence rules that Outlook can represent, expanded on the planning zone's wall clock.

Pure: no database, no request. `dateutil.rrule` does the date arithmetic on naive local
times, so a 14:30 meeting stays at 14:30 local across a daylight-saving change; each
occurrence is then placed on the zone's clock with `localize_strict` and converted to UTC.

What is allowed, and why (see ical-interop.md §1, MS KB 2643084):
- weekly on one or more weekdays, every 1–52 weeks (``FREQ=WEEKLY;BYDAY=TU,TH;WKST=MO``);
- monthly on day 1–28 or on the last day (``BYMONTHDAY=-1``), every 1–12 months. Day 31 is
  read as "the last day of the month": Outlook already treats 31 that way and ``BYMONTHDAY=-1``
  makes every other client agree. Days 29 and 30 are refused: RFC 5545 clients skip the
  months that lack them while Outlook moves them to the month's last day, so the partners'
  calendars would disagree with ours;
- monthly on the first, second, third, fourth or last weekday (``BYDAY=2TU`` or ``-1FR``);
- a count or an end date (inclusive, on the planning zone's calendar), at most 500 occurrences.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from dateutil import rrule as du
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from scheduler.errors import UserError
from scheduler.timefmt import LocalTimeError, localize_strict, zone_label

MAX_OCCURRENCES = 500
FREQUENCIES = ("weekly", "monthly")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEK_OF_MONTH = (1, 2, 3, 4, -1)
LAST_DAY = -1
MAX_INTERVAL = {"weekly": 52, "monthly": 12}


class RecurrenceError(UserError):
    """A rule that cannot be used; ``message`` is translated (lazily)."""


@dataclass(frozen=True)
class Rule:
    """One recurrence: pattern, end, and the wall-clock start and length of each meeting.

    Exactly one of ``weekdays`` (weekly), ``month_day`` (monthly on a date; -1 = last day) or
    ``week_of_month`` + one weekday (monthly on the Nth weekday) describes the pattern, and
    exactly one of ``count`` or ``until`` ends it.
    """

    freq: str
    interval: int
    start_date: date
    start_time: time
    duration_minutes: int
    zone: str
    weekdays: tuple[str, ...] = ()
    month_day: int | None = None
    week_of_month: int | None = None
    count: int | None = None
    until: date | None = None


@dataclass(frozen=True)
class Occurrence:
    """One generated meeting: its wall-clock start in the planning zone and its UTC span."""

    local_start: datetime
    start: datetime
    end: datetime


def normalize_month_day(day: int) -> int:
    """Day 31 means the last day of the month; 29 and 30 are refused (see the module doc)."""
    if day == 31 or day == LAST_DAY:
        return LAST_DAY
    if day in (29, 30):
        raise RecurrenceError(
            _l(
                "Day %(day)d does not exist in every month, and calendar programs disagree on "
                "what to do then. Choose a day from 1 to 28 or the last day of the month.",
                day=day,
            )
        )
    if not 1 <= day <= 28:
        raise RecurrenceError(_l("Choose a day of the month from 1 to 31."))
    return day


def _check_pattern(rule: Rule) -> None:
    if rule.freq not in FREQUENCIES:
        raise RecurrenceError(_l("A meeting repeats every week or every month."))
    if not 1 <= rule.interval <= MAX_INTERVAL[rule.freq]:
        raise RecurrenceError(
            _l("Repeat every 1 to %(max)d weeks or every 1 to 12 months.", max=52)
        )
    if any(code not in WEEKDAY_CODES for code in rule.weekdays):
        raise RecurrenceError(_l("Choose the weekdays again."))
    if rule.freq == "weekly" and not rule.weekdays:
        raise RecurrenceError(_l("Choose at least one weekday."))
    if rule.freq == "monthly" and (rule.month_day is None) == (rule.week_of_month is None):
        raise RecurrenceError(_l("Choose a day of the month or a weekday of the month."))
    nth_ok = rule.week_of_month in WEEK_OF_MONTH and len(rule.weekdays) == 1
    if rule.week_of_month is not None and not nth_ok:
        raise RecurrenceError(_l("Choose the first to fourth or the last weekday."))


def _check_end(rule: Rule) -> None:
    if (rule.count is None) == (rule.until is None):
        raise RecurrenceError(_l("End the series after a number of meetings or on a date."))
    if rule.count is not None and rule.count < 1:
        raise RecurrenceError(_l("A series has at least one meeting."))
    if rule.count is not None and rule.count > MAX_OCCURRENCES:
        raise too_many()
    if rule.until is not None and rule.until < rule.start_date:
        raise RecurrenceError(_l("The series ends before it starts."))


def too_many() -> RecurrenceError:
    return RecurrenceError(
        _l(
            "A series has at most %(max)d meetings; this one has more than %(max)d occurrences.",
            max=MAX_OCCURRENCES,
        )
    )


def check_rule(rule: Rule) -> Rule:
    """*rule* with day 31 read as the last day; raises RecurrenceError for anything else."""
    if rule.month_day is not None:
        rule = replace(rule, month_day=normalize_month_day(rule.month_day))
    _check_pattern(rule)
    _check_end(rule)
    if not 5 <= rule.duration_minutes <= 24 * 60:
        raise RecurrenceError(_l("A meeting lasts between 5 minutes and 24 hours."))
    return rule


def _weekday(code: str, nth: int | None = None) -> du.weekday:
    day = du.weekday(WEEKDAY_CODES.index(code))
    return day(nth) if nth else day


def _rrule(rule: Rule, dtstart: datetime) -> du.rrule:
    kwargs = {"dtstart": dtstart, "interval": rule.interval, "wkst": du.MO}
    if rule.freq == "weekly":
        kwargs["byweekday"] = [_weekday(code) for code in rule.weekdays]
    elif rule.month_day is not None:
        kwargs["bymonthday"] = rule.month_day
    else:
        kwargs["byweekday"] = _weekday(rule.weekdays[0], rule.week_of_month)
    if rule.count is not None:
        kwargs["count"] = rule.count
    else:
        kwargs["until"] = datetime.combine(rule.until, time(23, 59, 59))
    return du.rrule(du.WEEKLY if rule.freq == "weekly" else du.MONTHLY, **kwargs)


def local_starts(rule: Rule) -> list[datetime]:
    """The wall-clock starts (naive, planning zone), at most 500; raises RecurrenceError."""
    rule = check_rule(rule)
    dtstart = datetime.combine(rule.start_date, rule.start_time)
    starts = list(islice(_rrule(rule, dtstart), MAX_OCCURRENCES + 1))
    if len(starts) > MAX_OCCURRENCES:
        raise too_many()
    if not starts:
        raise RecurrenceError(_l("No meeting falls between the start and the end date."))
    return starts


def _place(local: datetime, rule: Rule) -> Occurrence:
    try:
        start = localize_strict(local, rule.zone).astimezone(UTC)
    except LocalTimeError as error:
        raise RecurrenceError(_local_time_message(local, rule.zone, error.reason)) from error
    return Occurrence(local, start, start + timedelta(minutes=rule.duration_minutes))


def _local_time_message(local: datetime, zone: str, reason: str):
    # The zone is named by its city in the reader's language when the message is shown.
    city = LazyString(zone_label, zone)
    values = {"date": local.date().isoformat(), "time": local.strftime("%H:%M"), "zone": city}
    if reason == "nonexistent":
        return _l(
            "On %(date)s, %(time)s does not exist in %(zone)s (the clocks change). "
            "Choose another time.",
            **values,
        )
    return _l(
        "On %(date)s, %(time)s happens twice in %(zone)s (the clocks change). Choose another time.",
        **values,
    )


def expand(rule: Rule) -> list[Occurrence]:
    """Every occurrence of *rule*, in order, with UTC start and end; raises RecurrenceError."""
    return [_place(local, rule) for local in local_starts(rule)]


def anchored(rule: Rule) -> Rule:
    """*rule* starting on its first occurrence (iCalendar wants DTSTART to be one)."""
    first = local_starts(rule)[0]
    return replace(check_rule(rule), start_date=first.date())


def ical_rrule(rule: Rule, last_start: datetime | None = None) -> dict:
    """The RRULE as a dict for ``icalendar.vRecur``; UNTIL is the last start in UTC.

    RFC 5545 wants UNTIL in UTC when DTSTART carries a TZID; the last occurrence's own start
    is the exact bound. *last_start* is needed only for until-ended rules.
    """
    value: dict = {"FREQ": rule.freq.upper(), "INTERVAL": rule.interval, "WKST": "MO"}
    if rule.freq == "weekly":
        value["BYDAY"] = list(rule.weekdays)
    elif rule.month_day is not None:
        value["BYMONTHDAY"] = rule.month_day
    else:
        value["BYDAY"] = f"{rule.week_of_month}{rule.weekdays[0]}"
    if rule.count is not None:
        value["COUNT"] = rule.count
    else:
        value["UNTIL"] = (last_start or expand(rule)[-1].start).astimezone(UTC)
    return value
