"""The database side of the slot finder: people, their hours, holidays and busy times.

A fixed handful of queries whatever the number of meetings: people (users, contacts with their
partner), the holiday overrides of both countries, one query for every busy interval of every
participant, and one for the room; one more for the soft holds of open time polls (a held
time is still offered, marked "held for a time poll": not free, not a hard conflict).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from scheduler import people
from scheduler.auth.models import User
from scheduler.availability.holidays import Override
from scheduler.availability.hours import effective_hours
from scheduler.availability.models import HolidayOverride
from scheduler.availability.slots import Person, Search, Slot, SlotResult, find_slots
from scheduler.contacts.models import Contact
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.i18n import contact_label, user_name
from scheduler.meetings.conflicts import INACTIVE_STATUSES
from scheduler.meetings.holds import Hold, holds_between
from scheduler.meetings.models import Meeting, Participant
from scheduler.people import person_key
from scheduler.sides import OFFICE_ZONE, SIDES, country_of_zone
from scheduler.timefmt import normalize_timezone


class PeopleError(UserError):
    """Someone who cannot be looked up or cannot take part; ``message`` is translated."""


@dataclass(frozen=True)
class Who:
    """A staff user or a contact chosen for the search, with the label to show for them."""

    kind: str  # "user" or "contact"
    record: User | Contact
    label: str

    @property
    def key(self) -> str:
        return person_key(self.kind, self.record.id)

    @property
    def zone(self) -> str:
        return normalize_timezone(self.record.timezone) or OFFICE_ZONE


def person_label(kind: str, record) -> str:
    """How a chosen person is named on the pages: a contact with their partner."""
    return user_name(record) if kind == "user" else contact_label(record)


def _users_where(condition) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(condition)))


def _contacts_where(condition) -> list[Contact]:
    query = sa.select(Contact).where(condition).options(selectinload(Contact.partner))
    return list(db.session.scalars(query))


def _check_active(who: Who) -> Who:
    if not who.record.is_active:
        raise PeopleError(_l("%(person)s is inactive and cannot take part.", person=who.label))
    return who


def people_by_email(emails: list[str]) -> list[Who]:
    """Staff users (first) or contacts with these e-mail addresses, in the order given.

    Raises PeopleError naming the first unknown or inactive address. Duplicates count once.
    """
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not wanted:
        return []
    users = {u.email: u for u in _users_where(User.email.in_(wanted))}  # stored lower-case
    contacts = {c.email: c for c in _contacts_where(Contact.email.in_(wanted))}
    found = []
    for email in wanted:
        if email in users:
            found.append(Who("user", users[email], email))
        elif email in contacts:
            found.append(Who("contact", contacts[email], email))
        else:
            raise PeopleError(
                _l("No staff member or contact has the e-mail address %(email)s.", email=email)
            )
    return [_check_active(who) for who in found]


def people_by_keys(keys: list[str], label) -> list[Who]:
    """People chosen as ``user:ID`` / ``contact:ID``; *label(kind, record)* names them.

    Unknown keys are skipped (the form offers only existing people); inactive ones refused.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    records = people.resolve_many(keys, {"contact": [selectinload(Contact.partner)]})
    found = []
    for key in filter(records.__contains__, keys):
        kind = people.parse(key).kind
        found.append(Who(kind, records[key], label(kind, records[key])))
    return [_check_active(who) for who in found]


def load_overrides(first: date, last: date) -> dict[str, dict[date, Override]]:
    """The holiday overrides of both countries from *first* to *last*, in one query."""
    query = sa.select(HolidayOverride).where(HolidayOverride.day.between(first, last))
    found: dict[str, dict[date, Override]] = {side.country: {} for side in SIDES}
    for row in db.session.scalars(query):
        found[row.country][row.day] = Override(row.kind, row.names)
    return found


def _busy_query(people: list[Who], start: datetime, end: datetime):
    user_ids = [w.record.id for w in people if w.kind == "user"]
    contact_ids = [w.record.id for w in people if w.kind == "contact"]
    return (
        sa.select(
            Participant.user_id,
            Participant.contact_id,
            sa.type_coerce(Meeting.start_dt, sa.String),
            sa.type_coerce(Meeting.end_dt, sa.String),
        )
        .join(Meeting, Participant.meeting_id == Meeting.id)
        .where(
            Meeting.status.not_in(INACTIVE_STATUSES),
            Meeting.start_dt < end,
            Meeting.end_dt > start,
            sa.or_(Participant.user_id.in_(user_ids), Participant.contact_id.in_(contact_ids)),
        )
        .order_by(Meeting.start_dt)
    )


def _utc_instant(value) -> datetime:
    """A stored UTC instant read raw (an ISO string on SQLite, a naive datetime on PostgreSQL).

    Read this way because `UTCDateTime`'s per-value processing dominated the search time.
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def load_busy(people: list[Who], start: datetime, end: datetime) -> dict[str, list]:
    """Every non-cancelled meeting of *people* overlapping [start, end), by ``Who.key``."""
    busy: dict[str, list] = defaultdict(list)
    if not people:
        return busy
    # Core on the session's connection: thousands of plain rows, no ORM row processing.
    rows = db.session.connection().execute(_busy_query(people, start, end))
    for user_id, contact_id, meeting_start, meeting_end in rows:
        key = person_key("user", user_id) if user_id else person_key("contact", contact_id)
        busy[key].append((_utc_instant(meeting_start), _utc_instant(meeting_end)))
    return busy


def load_room_busy(room_id: int | None, start: datetime, end: datetime) -> list:
    """The non-cancelled meetings in the room overlapping [start, end), sorted."""
    if not room_id:
        return []
    query = (
        sa.select(Meeting.start_dt, Meeting.end_dt)
        .where(Meeting.room_id == room_id, Meeting.status.not_in(INACTIVE_STATUSES))
        .where(Meeting.start_dt < end, Meeting.end_dt > start)
        .order_by(Meeting.start_dt)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _hours_of(who: Who):
    if who.kind == "user":
        return effective_hours(who.record.working_hours, None, who.zone)
    partner = who.record.partner
    return effective_hours(who.record.working_hours, partner and partner.working_hours, who.zone)


def search_span(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """A UTC span that surely covers the range on every clock (zones are within ±14 h)."""
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    return start - timedelta(days=2), start + timedelta(days=(last_day - first_day).days + 3)


def as_person(who: Who, overrides: dict, busy=()) -> Person:
    """The slot finder's view of one person: zone, hours, their country's holiday overrides
    (from *overrides*, as `load_overrides` gives them) and their busy intervals."""
    return Person(
        label=who.label,
        zone=who.zone,
        hours=_hours_of(who),
        country=country_of_zone(who.zone),
        overrides=overrides.get(country_of_zone(who.zone) or "", {}),
        busy=busy,
    )


def build_people(people: list[Who], first_day: date, last_day: date) -> list[Person]:
    """The slot finder's view of *people*: zone, hours, holidays and busy intervals."""
    start, end = search_span(first_day, last_day)
    overrides = load_overrides(first_day - timedelta(days=2), last_day + timedelta(days=2))
    busy = load_busy(people, start, end)
    return [as_person(who, overrides, busy.get(who.key, ())) for who in people]


@dataclass(frozen=True)
class HeldResult(SlotResult):
    """The slot finder's result with the soft holds on the people and room in the range."""

    holds: list[Hold] = field(default_factory=list)

    def holds_on(self, slot: Slot) -> list[Hold]:
        """The holds overlapping *slot*."""
        return [h for h in self.holds if h.start < slot.end and h.end > slot.start]


def search_slots(people: list[Who], first_day: date, last_day: date, **options) -> HeldResult:
    """Load everything for *people* and run the slot finder. *options* go to `slots.Search`
    (duration, now, notice, buffer, step) except ``room_id``, which adds the room's bookings.
    The holds of open polls on the people and the room come with the result."""

    room_id = options.pop("room_id", None)
    span = search_span(first_day, last_day)
    persons = build_people(people, first_day, last_day)
    room_busy = load_room_busy(room_id, *span)
    search = Search(persons, first_day=first_day, last_day=last_day, room_busy=room_busy, **options)
    found = find_slots(search)
    holds = holds_between(*span, [who.key for who in people], room_id)
    return HeldResult(found.slots, found.skipped, holds)
