"""Text for visit pages: dates, clocks, people and the itinerary's heading, in whatever locale
is active (force_locale too)."""

from datetime import date, datetime

from babel.dates import format_date, format_interval
from flask_babel import get_locale
from flask_babel import gettext as _

from scheduler.i18n import join_list, localized
from scheduler.sides import CHINA, other_side_zone, side_of_zone
from scheduler.timefmt import dual_clock, zone_label
from scheduler.visits.airports import airport_name
from scheduler.visits.names import member_name, passport_name


def visit_clock(
    visit, start: datetime, end: datetime | None = None, zone: str | None = None
) -> str:
    """*start* (to *end*) on the clock of the place where it happens (*zone*, by default the
    place visited), and the other side's clock too only when the visit asks for both."""
    zone = zone or visit.timezone
    other = other_side_zone(zone) if visit.show_both_clocks else zone
    return dual_clock(start, zone, other, end=end)


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


def member_phone(member) -> str:
    """The phone for this trip, else the contact's own."""
    return member.phone or (member.contact.phone if member.contact else "")


def visit_heading(visit, lang: str) -> str:
    """Who visits where, as the visiting delegation reads it: ``京畿道代表团访问长春``,
    ``창춘 방문 · 경기도 대표단``; on an outbound visit our delegation is Changchun's."""
    partners = join_list((localized(p, "name", lang) for p in visit.partners), lang) or "—"
    if visit.direction == "outbound":
        delegation, place = CHINA.city_for(lang), partners
    else:
        side = side_of_zone(visit.timezone)
        delegation, place = partners, side.city_for(lang) if side else zone_label(visit.timezone)
    return _("%(delegation)s delegation visiting %(place)s", delegation=delegation, place=place)


def visit_airport(text: str) -> str:
    """An arrival or departure airport in the reader's script (`airports.airport_name`)."""
    return airport_name(text, str(get_locale().language))


HELPERS = {
    "visit_airport": visit_airport,
    "visit_clock": visit_clock,
    "visit_dates": visit_dates,
    "visit_heading": visit_heading,
    "long_date": long_date,
    "member_title": member_title,
    "member_name": member_name,
    "member_phone": member_phone,
    "passport_name": passport_name,
}
