"""Visit changes (each flushes; the request commits) and the itinerary's day-by-day view."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.meetings import services as meeting_services
from scheduler.meetings.models import Meeting, MeetingStatus, ParticipantRole
from scheduler.timefmt import normalize_timezone
from scheduler.visits.directions import KIND_OF_DIRECTION
from scheduler.visits.models import MAX_VISIT_DAYS, Visit
from scheduler.visits.signals import visit_changed

VISIT_FIELDS = (
    "direction",
    "title_zh",
    "title_ko",
    "title_en",
    "start_date",
    "end_date",
    "timezone",
    "arrival_flight",
    "arrival_at",
    "arrival_airport",
    "departure_flight",
    "departure_at",
    "departure_airport",
    "hotel_zh",
    "hotel_ko",
    "notes",
    "show_both_clocks",
)
# Delegation roles as meeting roles, when the roster joins an itinerary item (drivers do not).
PARTICIPANT_ROLE = {
    "head": ParticipantRole.PARTICIPANT,
    "member": ParticipantRole.PARTICIPANT,
    "interpreter": ParticipantRole.INTERPRETER,
    "liaison": ParticipantRole.PARTICIPANT,
}
ITEM_KIND = KIND_OF_DIRECTION  # an itinerary item is, unless told otherwise, the visit itself


class VisitError(UserError):
    """A visit change that cannot be made; ``message`` is translated."""


def check_visit(data: dict, visit: Visit | None = None) -> None:
    """Refuse impossible dates, flights or zones before anything is written."""
    start, end = data["start_date"], data["end_date"]
    if end < start:
        raise VisitError(_l("The last day must be on or after the first day."))
    if (end - start).days + 1 > MAX_VISIT_DAYS:
        raise VisitError(_l("A visit lasts at most %(days)d days.", days=MAX_VISIT_DAYS))
    if not normalize_timezone(data["timezone"]):
        raise VisitError(_l("Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."))
    arrival, departure = data.get("arrival_at"), data.get("departure_at")
    if arrival and departure and departure <= arrival:
        raise VisitError(_l("The departure must be after the arrival."))
    if visit is not None and any(
        not within_visit(start, end, data["timezone"], m.start_dt, m.end_dt) for m in visit.meetings
    ):
        raise VisitError(_l("Some itinerary items fall outside these dates. Move them first."))


def within_visit(first: date, last: date, zone: str, start: datetime, end: datetime) -> bool:
    """True when [start, end) lies on the visit's days, on the clock of its place."""
    tz = ZoneInfo(zone)
    # An item ending at midnight belongs to the day before.
    last_moment = end.astimezone(tz) - timedelta(microseconds=1)
    return start.astimezone(tz).date() >= first and last_moment.date() <= last


def _apply(visit: Visit, data: dict) -> None:
    for name in VISIT_FIELDS:
        if name in data:
            setattr(visit, name, data[name])
    visit.timezone = normalize_timezone(visit.timezone)


def create_visit(organizer, data: dict, partners) -> Visit:
    """A new visit organised by *organizer* (a staff user)."""
    check_visit(data)
    visit = Visit(organizer=organizer)
    _apply(visit, data)
    visit.partners = list(partners)
    db.session.add(visit)
    db.session.flush()
    visit_changed.send(visit, change="created")
    return visit


def update_visit(visit: Visit, data: dict, partners) -> Visit:
    """Edit a visit; its dates must still hold every itinerary item."""
    check_visit(data, visit)
    _apply(visit, data)
    visit.partners = list(partners)
    db.session.flush()
    visit_changed.send(visit, change="updated")
    return visit


def add_itinerary_item(
    visit: Visit, organizer, data: dict, with_delegation=False, override_reason=None
) -> Meeting:
    """A meeting of the visit, through the meeting lifecycle (conflicts, change signal)."""
    if not within_visit(
        visit.start_date, visit.end_date, visit.timezone, data["start_dt"], data["end_dt"]
    ):
        raise VisitError(_l("An itinerary item must fall within the visit's dates."))
    data = {**data, "timezone": visit.timezone, "visit_id": visit.id}
    meeting = meeting_services.create_meeting(organizer, data, visit.partners, override_reason)
    if with_delegation:
        for member in visit.members:
            if member.is_guest or member.role not in PARTICIPANT_ROLE:
                continue  # a guest has no address to invite; a driver does not take part
            person = {"user": member.user} if member.user else {"contact": member.contact}
            meeting_services.add_participant(
                meeting, PARTICIPANT_ROLE[member.role], override_reason, **person
            )
    return meeting


@dataclass
class ItineraryDay:
    number: int
    day: date
    meetings: list = field(default_factory=list)


def itinerary_days(visit: Visit, include_cancelled: bool = True) -> list[ItineraryDay]:
    """Every day of the visit (day 1, day 2, …) with its items in time order, local to the place."""
    days = [
        ItineraryDay(n + 1, visit.start_date + timedelta(days=n))
        for n in range((visit.end_date - visit.start_date).days + 1)
    ]
    tz = ZoneInfo(visit.timezone)
    for meeting in sorted(visit.meetings, key=lambda m: (m.start_dt, m.id)):
        if meeting.status == MeetingStatus.CANCELLED and not include_cancelled:
            continue
        index = (meeting.start_dt.astimezone(tz).date() - visit.start_date).days
        if 0 <= index < len(days):
            days[index].meetings.append(meeting)
    return days
