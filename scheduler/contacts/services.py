"""Contacts: validation shared by the form and the importer, and lifecycle changes."""

import sqlalchemy as sa
from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l

from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.people import normalize_email

CONTACT_FIELDS = (
    "family_name_ko",
    "given_name_ko",
    "family_name_zh",
    "given_name_zh",
    "romanized_family",
    "romanized_given",
    "title_ko",
    "title_zh",
    "department_ko",
    "department_zh",
    "email",
    "phone",
    "language",
    "timezone",
    "notes",
    "working_hours",
)
NULLABLE_FIELDS = {"email", "working_hours"}  # None here means "not given / use the default"


def email_problem(value: str | None, contact_id: int | None = None):
    """A translated reason why *value* cannot be this contact's e-mail, or None."""
    try:
        email = normalize_email(value)
    except EmailNotValidError:
        return _l("This is not a valid e-mail address.")
    if email and find_by_email(email, exclude_id=contact_id):
        return _l("Another contact already uses this e-mail address.")
    return None


def find_by_email(email: str, exclude_id: int | None = None) -> Contact | None:
    query = sa.select(Contact).where(Contact.email == email.lower())
    if exclude_id:
        query = query.where(Contact.id != exclude_id)
    return db.session.scalar(query)


def apply_fields(contact: Contact, data: dict) -> None:
    for field in CONTACT_FIELDS:
        if field in data:
            value = data[field]
            if field == "email":
                value = normalize_email(value)
            if value is None and field not in NULLABLE_FIELDS:
                value = ""
            setattr(contact, field, value)


def create_contact(partner, data: dict) -> Contact:
    contact = Contact(partner=partner)
    apply_fields(contact, data)
    db.session.add(contact)
    db.session.flush()
    return contact


def set_active(contact: Contact, active: bool) -> None:
    """Deactivate (keeping all history) or reactivate a contact."""
    contact.is_active = active
    db.session.flush()


def list_contacts(partner_id: int | None = None, include_inactive: bool = False):
    query = sa.select(Contact).order_by(Contact.family_name_ko, Contact.given_name_ko, Contact.id)
    if partner_id:
        query = query.where(Contact.partner_id == partner_id)
    if not include_inactive:
        query = query.where(Contact.is_active.is_(True))
    return query
