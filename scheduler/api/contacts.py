"""Contacts: list, read, create, update (If-Match), deactivate, erase (If-Match), through the
contact services and checked by the contact form, as on the pages."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler.api import resource_schemas as rs
from scheduler.api.conditional import IF_MATCH_DOC
from scheduler.api.etags import locked, require_if_match, row_or_404, with_etag
from scheduler.api.form_input import form_values
from scheduler.api.idempotency.services import IDEMPOTENCY_DOC, idempotent
from scheduler.api.offset_pages import paged, start_offset
from scheduler.api.parsing import ApiBlueprint, refuse
from scheduler.api.representations import contact_names, may_see_contact_details, utc_text
from scheduler.api.writes import write_operation
from scheduler.contacts import services
from scheduler.contacts.forms import ContactForm
from scheduler.contacts.models import Contact
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.partners.services import get_partner
from scheduler.privacy import erasure

bp = ApiBlueprint("api_v1_contacts", __name__, url_prefix="/api/v1", description="Contacts.")

ERASED = _l("This contact has been erased and can no longer be changed.")


def contact_json(contact: Contact, viewer) -> dict:
    """The contact as *viewer* may see it: e-mail and phone only for editors."""
    body = {
        "id": contact.id,
        "partner": contact.partner.slug,
        "name": contact_names(contact),
        "family_name": _scripts(contact, "family_name", contact.romanized_family),
        "given_name": _scripts(contact, "given_name", contact.romanized_given),
        "title": {"zh": contact.title_zh, "ko": contact.title_ko},
        "department": {"zh": contact.department_zh, "ko": contact.department_ko},
        "language": contact.language,
        "timezone": contact.timezone,
        "working_hours": contact.working_hours,
        "notes": contact.notes,
        "is_active": contact.is_active,
        "erased": contact.erased_at is not None,
        "created_at": utc_text(contact.created_at),
        "updated_at": utc_text(contact.updated_at),
    }
    if may_see_contact_details(viewer) and contact.erased_at is None:
        body |= {"email": contact.email or "", "phone": contact.phone}
    return body


def _scripts(contact: Contact, field: str, latin: str) -> dict[str, str]:
    return {
        "zh": getattr(contact, f"{field}_zh"),
        "ko": getattr(contact, f"{field}_ko"),
        "en": latin,
    }


def _contact_or_404(contact_id: int) -> Contact:
    return row_or_404(Contact, contact_id)


def _changeable(contact_id: int) -> Contact:
    """The contact, locked for this transaction; 409 once erased (as the pages refuse)."""
    contact = locked(_contact_or_404(contact_id))
    if contact.erased_at is not None:
        raise UserError(ERASED, status=409)
    return contact


@bp.route("/contacts")
@bp.arguments(rs.ContactQuerySchema, location="query", as_kwargs=False)
@bp.response(200, rs.ContactPageSchema)
def list_contacts(args: dict):
    """Contacts by Korean name, then id: filter by partner (slug) and active. Follow the
    Link header's rel="next" for the next page."""
    partner = None
    if args.get("partner"):
        partner = get_partner(args["partner"]) or refuse("partner", "invalid")
    query = services.list_contacts(partner.id if partner else None, include_inactive=True)
    if "active" in args:
        query = query.where(Contact.is_active.is_(args["active"]))
    offset, limit = start_offset(args), args["limit"]
    rows = list(db.session.scalars(query.offset(offset).limit(limit + 1)))
    items = [contact_json(c, current_user) for c in rows[:limit]]
    more = offset + limit if len(rows) > limit else None
    return paged("api_v1_contacts.list_contacts", args, items, more)


@bp.route("/contacts/<int:contact_id>")
@bp.response(200, rs.ContactSchema)
def show_contact(contact_id: int):
    """One contact; its ETag is what PATCH wants in If-Match."""
    return with_etag(contact_json(_contact_or_404(contact_id), current_user))


@bp.route("/contacts", methods=["POST"])
@bp.doc(**IDEMPOTENCY_DOC)
@write_operation
@idempotent
@bp.arguments(rs.ContactCreateSchema, as_kwargs=False)
@bp.response(201, rs.ContactSchema)
def create_contact(data: dict):
    """A new contact at a partner (write scope)."""
    partner = get_partner(data.pop("partner")) or refuse("partner", "invalid")
    # What a blank form posts: empty text, the partner's zone, the default language.
    blank = {name: "" for name in services.CONTACT_FIELDS if name != "language"}
    given = blank | {"timezone": partner.timezone} | data
    values = form_values(ContactForm, given, names=services.CONTACT_FIELDS)
    contact = services.create_contact(partner, values)
    body, status, headers = with_etag(contact_json(contact, current_user), 201)
    headers["Location"] = url_for(".show_contact", contact_id=contact.id, _external=True)
    return body, status, headers


@bp.route("/contacts/<int:contact_id>", methods=["PATCH"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(rs.ContactFieldsSchema, as_kwargs=False)
@bp.response(200, rs.ContactSchema)
def update_contact(data: dict, contact_id: int):
    """Change some fields (write scope). If-Match: the ETag you read (412 when stale, 428
    when missing)."""
    contact = _changeable(contact_id)
    require_if_match(contact_json(contact, current_user))
    current = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    values = form_values(ContactForm, current | data, contact_id=contact.id)
    services.apply_fields(contact, {name: values[name] for name in data})
    db.session.flush()
    return with_etag(contact_json(contact, current_user))


@bp.route("/contacts/<int:contact_id>/deactivate", methods=["POST"])
@write_operation
@bp.response(200, rs.ContactSchema)
def deactivate_contact(contact_id: int):
    """Deactivate the contact (write scope): kept with all its history, offered no more."""
    contact = _changeable(contact_id)
    services.set_active(contact, False)
    return with_etag(contact_json(contact, current_user))


@bp.route("/contacts/<int:contact_id>/erase", methods=["POST"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(rs.ContactEraseSchema, as_kwargs=False)
@bp.response(200, rs.ContactSchema)
def erase_contact(data: dict, contact_id: int):
    """Erase the contact's personal data for good (write scope), as the contact's page does:
    names become a pseudonym, e-mail and phone go, their mail, replies and mentions are
    scrubbed, their feeds revoked; the meetings stay. If-Match: the ETag you read."""
    contact = _changeable(contact_id)
    require_if_match(contact_json(contact, current_user))
    erasure.erase_contact(contact, data["reason"])
    return with_etag(contact_json(contact, current_user))
