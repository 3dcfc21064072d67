"""A contact's personal data: the page, the JSON download, and the erasure.

Coordinators and admins only (viewers get 403): the report holds every address and note.
Producing the report is audited like a change, even on GET (`keep_changes`).
"""

import json
from datetime import date, datetime

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.audit.models import ACTION_NAMES, OTHER_ACTION_NAMES
from scheduler.audit.services import record
from scheduler.auth.models import EDITOR_ROLES
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.invites.outbox.models import STATUS_NAMES as MAIL_STATUS_NAMES
from scheduler.invites.rsvp.services import RSVP_LABELS
from scheduler.privacy import erasure, report
from scheduler.privacy.forms import EraseForm
from scheduler.security import roles_required
from scheduler.sides import LANGUAGES
from scheduler.timefmt import format_day, format_when
from scheduler.transaction import keep_changes, save
from scheduler.visits.forms import MEMBER_ROLE_LABELS

bp = Blueprint("privacy", __name__, url_prefix="/contacts")


def _produced(contact: Contact, as_format: str) -> dict:
    """The report, its production recorded in the audit log (kept though this is a GET)."""
    data = report.personal_data(contact)
    record(db.session, "personal_data", contact, {"format": as_format})
    keep_changes()
    return data


@bp.route("/<int:contact_id>/personal-data")
@roles_required(*EDITOR_ROLES)
def personal_data_page(contact_id: int):
    """Everything held about the contact, readable in the viewer's language."""
    contact = db.get_or_404(Contact, contact_id)
    data = _produced(contact, "page")
    return render_template(
        "privacy/report.html",
        contact=contact,
        data=data,
        when=_when,
        day=lambda text: format_day(date.fromisoformat(text)) if text else "—",
        pick=_pick,
        MAIL_STATUS_NAMES=MAIL_STATUS_NAMES,
        RSVP_LABELS=RSVP_LABELS,
        MEMBER_ROLE_LABELS=MEMBER_ROLE_LABELS,
        ALL_ACTION_NAMES={**ACTION_NAMES, **OTHER_ACTION_NAMES},
    )


def _when(text: str | None) -> str:
    """An ISO time of the report on the viewer's clock."""
    return format_when(datetime.fromisoformat(text), current_user.timezone) if text else "—"


def _pick(item: dict, field: str) -> str:
    """``item[field_<lang>]`` in the viewer's language, falling back to the others."""
    lang = current_language()
    for code in (lang, *LANGUAGES):
        if item.get(f"{field}_{code}"):
            return item[f"{field}_{code}"]
    return ""


@bp.route("/<int:contact_id>/personal-data.json")
@roles_required(*EDITOR_ROLES)
def personal_data_json(contact_id: int):
    """The same as a JSON download (UTF-8, readable names, ISO 8601 UTC times)."""
    contact = db.get_or_404(Contact, contact_id)
    body = json.dumps(_produced(contact, "json"), ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body + "\n", content_type="application/json; charset=utf-8")
    filename = f"contact-{contact.id}-personal-data.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:contact_id>/erase", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def erase_contact(contact_id: int):
    """Ask for the reason and the confirmation, then erase (irreversible)."""
    contact = db.get_or_404(Contact, contact_id)
    form = EraseForm()

    def again(_error=None):
        return render_template("privacy/erase.html", contact=contact, form=form)

    if contact.erased_at is not None:
        flash(_("This contact has already been erased."), "error")
        return again(), 409
    if not form.validate_on_submit():
        return again(), 400 if form.errors else 200
    return save(
        lambda: erasure.erase_contact(contact, form.reason.data),
        lambda _result: redirect(url_for("contacts.show_contact", contact_id=contact.id)),
        again,
        _("The contact's personal data has been erased."),
    )
