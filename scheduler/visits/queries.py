"""Read-side helpers for visit pages."""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from scheduler import people
from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import contact_label, user_name
from scheduler.visits.models import Visit, VisitMember
from scheduler.visits.names import member_name


def upcoming_and_past() -> tuple[list[Visit], list[Visit]]:
    """Visits not yet over (soonest first), then the ones that are (latest first).

    "Today" is the office's day: a visit ending today in Changchun is still upcoming.
    """
    today = now_utc().astimezone(ZoneInfo(current_app.config["OFFICE_TIMEZONE"])).date()
    base = sa.select(Visit).options(selectinload(Visit.partners), selectinload(Visit.meetings))
    upcoming = db.session.scalars(
        base.where(Visit.end_date >= today).order_by(Visit.start_date, Visit.id)
    ).all()
    past = db.session.scalars(
        base.where(Visit.end_date < today).order_by(Visit.start_date.desc(), Visit.id.desc())
    ).all()
    return list(upcoming), list(past)


def people_choices(visit: Visit, lang: str) -> list[tuple[str, str]]:
    """Active contacts of the visit's partners, then active staff, as form choices."""
    partner_ids = [p.id for p in visit.partners]
    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.is_active.is_(True), Contact.partner_id.in_(partner_ids))
        .order_by(Contact.partner_id, Contact.family_name_ko, Contact.given_name_ko)
    ).all()
    users = db.session.scalars(
        sa.select(User).where(User.is_active_user.is_(True)).order_by(User.email)
    ).all()
    nobody = ("", _("None: a guest, named below"))
    choices = [nobody] + [people.choice(c, contact_label(c, lang)) for c in contacts]
    return choices + [people.choice(u, user_name(u, lang)) for u in users]


def member_choices(visit: Visit, lang: str) -> list[tuple[str, str]]:
    """The visit's people (by member id) as choices for the person in charge of an item."""
    return [("", "—")] + [(str(m.id), member_name(m, lang)) for m in visit.members]


def member_of(visit: Visit, value: str | None) -> VisitMember | None:
    """The visit's person whose id is *value*, or None (empty, junk or someone else's)."""
    return next((m for m in visit.members if str(m.id) == (value or "")), None)


def person_from_choice(value: str) -> dict | None:
    """``contact:12`` or ``user:3`` as keyword arguments for add_member, or None."""
    found = people.resolve(value)
    if found is None:
        return None
    kind, person = found
    return {kind: person}
