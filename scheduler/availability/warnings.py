"""Warnings about one chosen time: what the slot finder avoids, said about a time picked by hand.

The slot finder skips holidays and weekends and stays inside everyone's working hours; the
series preview flags its dates the same way. A single meeting gets the same checks here, from
the same pieces (`slots.person_day`, `slots.working_blocks`, `slots.reason_text`), so the three
places agree: the day on each side's calendar (holiday, weekend, make-up working day), and for
each participant whether the meeting lies inside their working hours. Pure functions.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from scheduler.availability.holidays import Override, day_info
from scheduler.availability.slots import DayReason, Person, person_day, reason_text, working_blocks
from scheduler.sides import SIDES
from scheduler.timefmt import zone_label

FLAGGED_DAYS = ("holiday", "weekend", "makeup_workday")


@dataclass(frozen=True)
class TimeWarning:
    """One thing to check about a time: a day kind on one side's calendar (``day`` set) or a
    participant outside their working hours (``person`` and ``local`` set)."""

    day: DayReason | None = None
    person: str = ""
    zone: str = ""
    local: tuple[datetime, datetime] | None = None  # the meeting on the person's clock

    def text(self, lang: str) -> str:
        """The warning in the reader's language: ``Korea: Christmas Day``."""
        if self.day is not None:
            return reason_text(self.day, lang)
        start, end = self.local
        return _(
            "%(person)s: outside working hours (%(start)s–%(end)s %(place)s)",
            person=self.person,
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            place=zone_label(self.zone),
        )


def side_days(start: datetime, overrides: Mapping[str, Mapping[date, Override]]):
    """The day *start* falls on for each side, when it is a holiday, a weekend or a make-up
    working day there: a list of DayReason (China first)."""
    found = []
    for side in SIDES:
        day = start.astimezone(ZoneInfo(side.zone)).date()
        info = day_info(side.country, day, overrides.get(side.country))
        if info.kind in FLAGGED_DAYS:
            names = dict(info.names) if info.kind != "weekend" else {}
            found.append(DayReason(info.kind, side.country, None, names))
    return found


def _inside_hours(person: Person, start: int, end: int) -> bool:
    return any(b0 <= start and end <= b1 for b0, b1 in working_blocks(person, (start, end)))


def _person_warning(person: Person, start: datetime, end: datetime) -> TimeWarning | None:
    zone = ZoneInfo(person.zone)
    info = person_day(person, start.astimezone(zone).date())
    if not info.is_working_day:
        # The two sides' days are flagged once for everybody; another zone's weekend here.
        weekend = DayReason("weekend", None, person.zone)
        return None if person.country else TimeWarning(day=weekend)
    if _inside_hours(person, int(start.timestamp()), int(end.timestamp())):
        return None
    local = (start.astimezone(zone), end.astimezone(zone))
    return TimeWarning(person=person.label, zone=person.zone, local=local)


def time_warnings(
    start: datetime,
    end: datetime,
    people: Sequence[Person],
    overrides: Mapping[str, Mapping[date, Override]],
) -> list[TimeWarning]:
    """Everything worth a second look about [start, end): each side's day, then each person
    outside their hours (or on their own weekend, for a zone of neither side), once each."""
    found = [TimeWarning(day=reason) for reason in side_days(start, overrides)]
    for person in people:
        warning = _person_warning(person, start, end)
        if warning is not None and warning not in found:
            found.append(warning)
    return found
