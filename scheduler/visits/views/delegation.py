"""The people of a visit: add, edit, remove, promote a guest to a contact; an item's vehicle
and person in charge (thin: scheduler.visits.delegation does the work)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import child_or_404
from scheduler.extensions import db
from scheduler.i18n import current_language, localized
from scheduler.security import roles_required
from scheduler.transaction import save
from scheduler.visits import delegation, queries
from scheduler.visits.blueprint import bp
from scheduler.visits.forms import ArrangementForm, MemberForm, PromoteForm
from scheduler.visits.models import Visit, VisitMember
from scheduler.visits.views.pages import LABELS, back_to, detail_again, member_form, render_detail

UPDATED = _l("The delegation has been updated.")


def _visit_and_member(visit_id: int, member_id: int) -> tuple[Visit, VisitMember]:
    visit = db.get_or_404(Visit, visit_id)
    return visit, child_or_404(visit.members, member_id)


def _details(form: MemberForm) -> dict:
    names = [n for n in delegation.DETAIL_FIELDS if n in form._fields]
    details = {name: form[name].data for name in names}
    details["sort_order"] = details.get("sort_order") or 0
    return details


def _person(form: MemberForm) -> dict | None:
    """The chosen contact or user as keyword arguments; {} for a guest; None when the choice
    names nobody we know."""
    if not form.person.data:
        return {}
    return queries.person_from_choice(form.person.data)


@bp.route("/<int:visit_id>/members", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_member(visit_id):
    visit = db.get_or_404(Visit, visit_id)
    form = member_form(visit, MemberForm())
    person = _person(form) if form.validate_on_submit() else {}
    if form.errors or person is None:
        if person is None:
            flash(_("Choose a contact or a staff member."), "error")
        return render_detail(visit, member_form_=form, status=400)
    details = _details(form)
    return save(
        lambda: delegation.add_member(visit, details.pop("role"), **details, **person),
        back_to(visit),
        detail_again(visit_id, member_form_=form),
        str(UPDATED),
    )


def _render_edit(visit, member, form, status=200):
    return render_template(
        "visits/member.html", visit=visit, member=member, form=form, **LABELS
    ), status


@bp.route("/<int:visit_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_member(visit_id, member_id):
    visit, member = _visit_and_member(visit_id, member_id)
    form = member_form(visit, MemberForm(obj=member))
    if not form.is_submitted():
        form.person.data = _choice_of(member)
        return _render_edit(visit, member, form)
    person = _person(form) if form.validate() else {}
    if form.errors or person is None:
        if person is None:
            flash(_("Choose a contact or a staff member."), "error")
        return _render_edit(visit, member, form, 400)
    return save(
        lambda: delegation.update_member(visit, member, _details(form), **person),
        back_to(visit),
        lambda _error: _render_edit(visit, member, form)[0],
        str(UPDATED),
    )


def _choice_of(member: VisitMember) -> str:
    if member.contact_id:
        return f"contact:{member.contact_id}"
    return f"user:{member.user_id}" if member.user_id else ""


@bp.route("/<int:visit_id>/members/<int:member_id>/remove", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def remove_member(visit_id, member_id):
    visit, member = _visit_and_member(visit_id, member_id)
    delegation.remove_member(visit, member)
    flash(str(UPDATED), "success")
    return redirect(url_for("visits.show_visit", visit_id=visit.id))


@bp.route("/<int:visit_id>/members/<int:member_id>/promote", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def promote_member(visit_id, member_id):
    visit, member = _visit_and_member(visit_id, member_id)
    form = PromoteForm()
    partners = {p.id: p for p in visit.partners}
    # One partner needs no choice; with several the form names one.
    partner = partners.get(form.partner.data) if form.partner.data else None
    if partner is None and len(partners) == 1:
        partner = next(iter(partners.values()))
    return save(
        lambda: delegation.promote_member(visit, member, partner),
        lambda contact: redirect(url_for("visits.show_visit", visit_id=visit.id)),
        lambda _error: render_detail(visit)[0],
        _("The guest is now a contact of %(partner)s.", partner=localized(partner, "name"))
        if partner
        else None,
    )


@bp.route("/<int:visit_id>/items/<int:meeting_id>/arrangement", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def arrange_item(visit_id, meeting_id):
    visit = db.get_or_404(Visit, visit_id)
    meeting = child_or_404(visit.meetings, meeting_id)
    form = ArrangementForm()
    form.contact_member.choices = queries.member_choices(visit, current_language())
    if not form.validate_on_submit():
        return render_detail(visit, status=400)
    person = queries.member_of(visit, form.contact_member.data)
    return save(
        lambda: delegation.arrange_item(visit, meeting, form.vehicle.data, person),
        back_to(visit),
        lambda _error: render_detail(visit)[0],
        _("The itinerary item has been updated."),
    )
