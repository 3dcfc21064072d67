"""Read-side helpers for meeting pages."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from scheduler import people
from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.i18n import contact_label, localized, user_name
from scheduler.meetings.models import Meeting, Participant, Room, meeting_partners
from scheduler.partners.models import Partner

# The columns a meeting's row in a list or calendar shows (read as plain rows, not entities).
LIST_COLUMNS = (
    Meeting.id,
    Meeting.kind,
    Meeting.status,
    Meeting.title_zh,
    Meeting.title_ko,
    Meeting.title_en,
    Meeting.start_dt,
    Meeting.end_dt,
    Meeting.tech_check_minutes,  # the calendar shows a video link's check
)


def meeting_ids_with_partners(partner_ids) -> sa.Select:
    """The ids of meetings with any of *partner_ids* (a list, or a select of ids)."""
    return sa.select(meeting_partners.c.meeting_id).where(
        meeting_partners.c.partner_id.in_(partner_ids)
    )


def _people_loaded() -> list:
    """Loader options: a meeting's participants with their contacts and users, in bulk."""
    return [
        selectinload(Meeting.participants).selectinload(Participant.contact),
        selectinload(Meeting.participants).selectinload(Participant.user),
    ]


def meeting_for_page(meeting_id: int) -> Meeting | None:
    """The meeting with its partners, outcome and people loaded in bulk: its page costs the
    same statements however many take part. The people come in one statement with their
    users, contacts and contacts' partners joined (for the labels and the time warnings):
    one statement per relation cost more than the rows."""
    people = selectinload(Meeting.participants).options(
        joinedload(Participant.user), joinedload(Participant.contact).joinedload(Contact.partner)
    )
    options = [selectinload(Meeting.partners), people, joinedload(Meeting.outcome)]
    return db.session.get(Meeting, meeting_id, options=options)


def meeting_query(start=None, end=None, partner_id=None, kind=None, status=None) -> sa.Select:
    """Meetings overlapping [start, end) (either bound may be None) with the filters the
    meeting list offers, partners and participants loaded in bulk, by start then id. The
    pages and the API (scheduler/api) list through this one query."""
    query = sa.select(Meeting).options(selectinload(Meeting.partners), *_people_loaded())
    if end is not None:
        query = query.where(Meeting.start_dt < end)
    if start is not None:
        query = query.where(Meeting.end_dt > start)
    if partner_id:
        query = query.where(Meeting.partners.any(Partner.id == partner_id))
    if kind:
        query = query.where(Meeting.kind == kind)
    if status:
        query = query.where(Meeting.status == status)
    return query.order_by(Meeting.start_dt, Meeting.id)


def meetings_between(start: datetime, end: datetime, partner_id=None, kind=None, status=None):
    """Meetings overlapping [start, end), with partners and participants loaded in bulk."""
    return db.session.scalars(meeting_query(start, end, partner_id, kind, status)).all()


def partner_choices(lang: str) -> list[tuple[int, str]]:
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.kr_code)).all()
    return [(p.id, localized(p, "name", lang)) for p in partners if p.is_current]


def room_choices(lang: str, blank_label, current_id: int | None = None) -> list[tuple[int, str]]:
    """No room, the active rooms and the room the meeting has now (even if deactivated since)."""
    offered = sa.or_(Room.is_active.is_(True), Room.id == (current_id or -1))
    rooms = db.session.scalars(sa.select(Room).where(offered).order_by(Room.name_zh, Room.id))
    return [(0, blank_label)] + [(r.id, localized(r, "name", lang)) for r in rooms]


def people_choices(meeting: Meeting, lang: str) -> list[tuple[str, str]]:
    """Active staff and the active contacts of the meeting's partners, as form choices."""
    users = db.session.scalars(
        sa.select(User).where(User.is_active_user.is_(True)).order_by(User.email)
    ).all()
    partner_ids = [p.id for p in meeting.partners]
    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.is_active.is_(True), Contact.partner_id.in_(partner_ids))
        .options(joinedload(Contact.partner))  # in the same statement: a few contacts
        .order_by(Contact.family_name_ko, Contact.given_name_ko)
    ).all()
    choices = [people.choice(u, user_name(u, lang)) for u in users]
    choices += [people.choice(c, contact_label(c, lang)) for c in contacts]
    return choices + [(people.GUEST, "—")]


def all_people_choices(lang: str) -> list[tuple[str, str]]:
    """Every active staff member (``name (e-mail)``) and every active contact with their
    partner, as form choices: the slot finder and the new-meeting form offer the same people."""
    users = db.session.scalars(
        sa.select(User).where(User.is_active_user.is_(True)).order_by(User.email)
    ).all()
    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.is_active.is_(True))
        .options(selectinload(Contact.partner))
        .order_by(Contact.family_name_ko, Contact.given_name_ko, Contact.id)
    ).all()
    choices = [people.choice(u, f"{user_name(u, lang)} ({u.email})") for u in users]
    return choices + [people.choice(c, contact_label(c, lang)) for c in contacts]


NEARBY_MEETINGS = 5  # how many upcoming and how many recent meetings a partner page lists


def _nearby(query: sa.Select, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """The next few meetings of *query* (soonest first) and the last few (latest first)."""
    query = query.options(selectinload(Meeting.partners))
    upcoming = query.where(Meeting.end_dt > now).order_by(Meeting.start_dt, Meeting.id)
    recent = query.where(Meeting.end_dt <= now).order_by(Meeting.start_dt.desc(), Meeting.id)
    return (
        list(db.session.scalars(upcoming.limit(NEARBY_MEETINGS))),
        list(db.session.scalars(recent.limit(NEARBY_MEETINGS))),
    )


def partner_meetings(partner_id: int, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming and recent meetings with the partner."""
    ids = meeting_ids_with_partners([partner_id])
    return _nearby(sa.select(Meeting).where(Meeting.id.in_(ids)), now)


def contact_meetings(contact_id: int, now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming and recent meetings the contact takes part in."""
    ids = sa.select(Participant.meeting_id).where(Participant.contact_id == contact_id)
    return _nearby(sa.select(Meeting).where(Meeting.id.in_(ids)), now)
