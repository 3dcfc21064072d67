"""Contact pages: list, create under a partner, edit, deactivate."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.contacts import services
from scheduler.contacts.forms import ContactForm
from scheduler.contacts.models import Contact
from scheduler.extensions import db, paginate
from scheduler.partners.services import get_partner
from scheduler.security import roles_required

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


def _form_data(form: ContactForm) -> dict:
    return {name: form[name].data for name in services.CONTACT_FIELDS}


def _editable_or_none(contact: Contact):
    """None when *contact* can be changed; else the answer for an erased contact (409)."""
    if contact.erased_at is None:
        return None
    flash(_("This contact has been erased and can no longer be changed."), "error")
    return render_template("contacts/detail.html", contact=contact), 409


@bp.route("/")
def list_contacts():
    partner = get_partner(request.args["partner"]) if request.args.get("partner") else None
    include_inactive = request.args.get("inactive") == "1"
    query = services.list_contacts(partner.id if partner else None, include_inactive)
    page = paginate(query, per_page=50)
    return render_template(
        "contacts/list.html", page=page, partner=partner, include_inactive=include_inactive
    )


@bp.route("/<int:contact_id>")
def show_contact(contact_id):
    return render_template("contacts/detail.html", contact=db.get_or_404(Contact, contact_id))


@bp.route("/new/<slug>", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_contact(slug):
    partner = get_partner(slug) or abort(404)
    form = ContactForm(timezone=partner.timezone)
    if form.validate_on_submit():
        contact = services.create_contact(partner, _form_data(form))
        flash(_("The contact has been added."), "success")
        return redirect(url_for("contacts.show_contact", contact_id=contact.id))
    status = 400 if form.errors else 200
    return render_template("contacts/edit.html", form=form, partner=partner, contact=None), status


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_contact(contact_id):
    contact = db.get_or_404(Contact, contact_id)
    if refused := _editable_or_none(contact):
        return refused
    form = ContactForm(obj=contact, contact_id=contact.id)
    if form.validate_on_submit():
        services.apply_fields(contact, _form_data(form))
        flash(_("The contact has been saved."), "success")
        return redirect(url_for("contacts.show_contact", contact_id=contact.id))
    status = 400 if form.errors else 200
    return render_template(
        "contacts/edit.html", form=form, partner=contact.partner, contact=contact
    ), status


@bp.route("/<int:contact_id>/active", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def set_active(contact_id):
    contact = db.get_or_404(Contact, contact_id)
    if refused := _editable_or_none(contact):
        return refused
    active = request.form.get("active") == "1"
    services.set_active(contact, active)
    message = (
        _("The contact is active again.") if active else _("The contact has been deactivated.")
    )
    flash(message, "success")
    return redirect(url_for("contacts.show_contact", contact_id=contact.id))
