"""Text for visit pages: dates and both clocks, in whatever locale is active (force_locale too)."""

from datetime import date, datetime

from babel.dates import format_date, format_interval
from flask_babel import get_locale

from scheduler.i18n import localized, person_name, user_name
from scheduler.sides import other_side_zone
from scheduler.timefmt import dual_clock


def visit_clock(visit, start: datetime, end: datetime | None = None) -> str:
    """*start* (to *end*) on the clock of the place visited first, then the other side's."""
    return dual_clock(start, visit.timezone, other_side_zone(visit.timezone), end=end)


def visit_dates(visit) -> str:
    """The visit's first to last day as one localized range: ``2030年12月3日至5日``."""
    return format_interval(visit.start_date, visit.end_date, "yMMMd", locale=get_locale())


def long_date(day: date) -> str:
    """A full date with the weekday, for the itinerary's day headings."""
    return format_date(day, "full", locale=get_locale())


def member_title(member, lang: str) -> str:
    """The title on this visit, else the contact's own title, in *lang* first."""
    own = localized(member, "title", lang)
    return own or (localized(member.contact, "title", lang) if member.contact else "")


def member_name(member, lang: str) -> str:
    """Family name first, in the script of *lang* when there is one."""
    return person_name(member.contact, lang) if member.contact else user_name(member.user, lang)


HELPERS = {
    "visit_clock": visit_clock,
    "visit_dates": visit_dates,
    "long_date": long_date,
    "member_title": member_title,
    "member_name": member_name,
}
