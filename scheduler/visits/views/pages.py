"""Visit pages: list, create, edit, roster, itinerary items and the printable itinerary (thin)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings import queries as meeting_queries
from scheduler.partners.models import Partner
from scheduler.security import roles_required
from scheduler.sides import CATALOG_LANGUAGES
from scheduler.timefmt import (
    LocalTimeError,
    local_time_error_text,
    localize_strict,
    to_local_naive,
)
from scheduler.transaction import save
from scheduler.visits import delegation, queries, services
from scheduler.visits.blueprint import bp
from scheduler.visits.display import HELPERS
from scheduler.visits.forms import (
    DIRECTION_LABELS,
    MEMBER_ROLE_LABELS,
    ItineraryItemForm,
    MemberForm,
    VisitForm,
)
from scheduler.visits.models import Visit

PRINT_LANGUAGES = CATALOG_LANGUAGES  # an itinerary prints in Chinese or Korean
LABELS = {"DIRECTION_LABELS": DIRECTION_LABELS, "MEMBER_ROLE_LABELS": MEMBER_ROLE_LABELS, **HELPERS}


def _visit_or_404(visit_id: int) -> Visit:
    return db.get_or_404(Visit, visit_id)


def _localize(field, zone: str):
    """*field*'s wall-clock time read in *zone*, or None with an error beside the field."""
    if field.data is None:
        return None
    try:
        return localize_strict(field.data, zone)
    except LocalTimeError as error:
        field.errors.append(local_time_error_text(error, zone))
        return None


# --- create and edit -------------------------------------------------------------------------


def _visit_data(form: VisitForm) -> dict | None:
    zone = form.timezone.data
    names = [n for n in services.VISIT_FIELDS if n in form._fields]
    data = {name: form[name].data for name in names}
    data["arrival_at"] = _localize(form.arrival_local, zone)
    data["departure_at"] = _localize(form.departure_local, zone)
    return None if form.arrival_local.errors or form.departure_local.errors else data


def _selected_partners(form: VisitForm):
    ids = form.partners.data or []
    return db.session.scalars(db.select(Partner).where(Partner.id.in_(ids))).all() if ids else []


def _render_form(form: VisitForm, visit=None, status=200):
    return render_template("visits/form.html", form=form, visit=visit, **LABELS), status


def _submit(form: VisitForm, visit: Visit | None):
    data = _visit_data(form)
    if data is None:
        return _render_form(form, visit, 400)

    def change() -> Visit:
        if visit is None:
            return services.create_visit(current_user, data, _selected_partners(form))
        services.update_visit(visit, data, _selected_partners(form))
        return visit

    return save(
        change,
        lambda saved: redirect(url_for("visits.show_visit", visit_id=saved.id)),
        lambda _error: _render_form(form, visit)[0],
        _("The visit has been saved."),
    )


@bp.route("/")
def list_visits():
    upcoming, past = queries.upcoming_and_past()
    return render_template("visits/list.html", upcoming=upcoming, past=past, **LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_visit():
    form = VisitForm()
    form.partners.choices = meeting_queries.partner_choices(current_language())
    if form.validate_on_submit():
        return _submit(form, None)
    return _render_form(form, status=400 if form.errors else 200)


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_visit(visit_id):
    visit = _visit_or_404(visit_id)
    form = VisitForm(obj=visit)
    form.partners.choices = meeting_queries.partner_choices(current_language())
    if request.method == "GET":
        form.partners.data = [p.id for p in visit.partners]
        for name in ("arrival", "departure"):
            moment = getattr(visit, f"{name}_at")
            form[f"{name}_local"].data = moment and to_local_naive(moment, visit.timezone)
    if form.validate_on_submit():
        return _submit(form, visit)
    return _render_form(form, visit, status=400 if form.errors else 200)


# --- detail, roster and itinerary items ------------------------------------------------------


def member_form(visit: Visit, form: MemberForm | None = None) -> MemberForm:
    """The form for a person of *visit*, offering its partners' contacts and our staff."""
    form = form or MemberForm(formdata=None)
    form.person.choices = queries.people_choices(visit, current_language())
    return form


def _item_form(visit: Visit, form: ItineraryItemForm) -> ItineraryItemForm:
    """An itinerary item is a meeting: it offers the active rooms as a meeting does, and the
    visit's people as the person in charge."""
    form.room_id.choices = meeting_queries.room_choices(current_language(), _("No room"))
    form.contact_member.choices = queries.member_choices(visit, current_language())
    return form


def render_detail(visit, member_form_=None, item_form=None, conflicts=None, status=200):
    """The visit page; *member_form_* and *item_form* keep what was typed after a refusal."""
    default_kind = services.ITEM_KIND[visit.direction]
    item_form = item_form or ItineraryItemForm(formdata=None, kind=default_kind)
    party, hosts = delegation.roster(visit)
    return render_template(
        "visits/detail.html",
        visit=visit,
        days=services.itinerary_days(visit),
        party=party,
        hosts=hosts,
        arrangements=delegation.arrangements(visit),
        member_form=member_form(visit, member_form_),
        item_form=_item_form(visit, item_form),
        conflicts=conflicts or [],
        **LABELS,
    ), status


@bp.route("/<int:visit_id>")
def show_visit(visit_id):
    return render_detail(_visit_or_404(visit_id))


def detail_again(visit_id: int, **forms):
    """What `save` answers on a refusal: the visit again, with the clashes when there are any."""
    return lambda error: render_detail(_visit_or_404(visit_id), conflicts=error.conflicts, **forms)[
        0
    ]


def back_to(visit: Visit):
    """What `save` answers on success: the visit page."""
    return lambda _result: redirect(url_for("visits.show_visit", visit_id=visit.id))


def _item_data(form: ItineraryItemForm, zone: str) -> dict | None:
    start, end = _localize(form.start_local, zone), _localize(form.end_local, zone)
    if start is None or end is None:
        return None
    fields = ("kind", "title_zh", "title_ko", "location_zh", "location_ko")
    data = {name: form[name].data for name in fields}
    return {**data, "room_id": form.room_id.data or None, "start_dt": start, "end_dt": end}


@bp.route("/<int:visit_id>/items", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_item(visit_id):
    visit = _visit_or_404(visit_id)
    form = _item_form(visit, ItineraryItemForm())
    data = _item_data(form, visit.timezone) if form.validate_on_submit() else None
    if data is None:
        return render_detail(visit, item_form=form, status=400)

    def change():
        meeting = services.add_itinerary_item(
            visit, current_user, data, form.with_delegation.data, form.override_reason.data
        )
        person = queries.member_of(visit, form.contact_member.data)
        delegation.arrange_item(visit, meeting, form.vehicle.data, person)
        return meeting

    return save(
        change,
        back_to(visit),
        detail_again(visit_id, item_form=form),
        _("The itinerary item has been added."),
    )


# --- printable itinerary ---------------------------------------------------------------------


@bp.route("/<int:visit_id>/itinerary")
def itinerary(visit_id):
    visit = _visit_or_404(visit_id)
    viewer_lang = current_language()
    lang = request.args.get("lang") or (viewer_lang if viewer_lang in PRINT_LANGUAGES else "zh")
    if lang not in PRINT_LANGUAGES:
        abort(400)
    with force_locale(lang):
        return render_template(
            "visits/itinerary.html",
            visit=visit,
            lang=lang,
            roster=delegation.roster(visit),
            arrangements=delegation.arrangements(visit),
            days=services.itinerary_days(visit, include_cancelled=False),
            **LABELS,
        )
