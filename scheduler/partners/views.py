"""Partner list, detail and edit pages."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.partners import services
from scheduler.partners.forms import PartnerForm
from scheduler.security import roles_required

bp = Blueprint("partners", __name__, url_prefix="/partners")


def _partner_or_404(slug: str):
    partner = services.get_partner(slug)
    if partner is None:
        abort(404)
    return partner


@bp.route("/")
def list_partners():
    return render_template("partners/list.html", overview=services.partner_overview())


@bp.route("/<slug>")
def show_partner(slug):
    partner = _partner_or_404(slug)
    return render_template(
        "partners/detail.html", partner=partner, lineage=services.lineage(partner)[1:]
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_partner(slug):
    partner = _partner_or_404(slug)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        data["iso_code"] = data["iso_code"] or None
        services.update_partner(partner, data)
        flash(_("The partner has been saved."), "success")
        return redirect(url_for("partners.show_partner", slug=partner.slug))
    status = 400 if form.errors else 200
    return render_template("partners/edit.html", partner=partner, form=form), status
