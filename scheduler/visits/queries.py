"""Read-side helpers for visit pages."""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from scheduler import people
from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import contact_label, user_name
from scheduler.visits.models import Visit


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
    choices = [("", "—")] + [people.choice(c, contact_label(c, lang)) for c in contacts]
    return choices + [people.choice(u, user_name(u, lang)) for u in users]


def person_from_choice(value: str) -> dict | None:
    """``contact:12`` or ``user:3`` as keyword arguments for add_member, or None."""
    found = people.resolve(value)
    if found is None:
        return None
    kind, person = found
    return {kind: person}
