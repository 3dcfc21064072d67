"""Meeting pages: list, create, edit, participants and lifecycle actions (thin)."""

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings import queries, services
from scheduler.meetings.blueprint import bp
from scheduler.meetings.form_input import (
    form_data,
    person_from,
    prepare,
    read_times,
    selected_partners,
)
from scheduler.meetings.forms import MeetingForm, ParticipantForm, ReasonForm
from scheduler.meetings.models import Meeting
from scheduler.security import roles_required
from scheduler.timefmt import normalize_timezone, to_local_naive
from scheduler.transaction import save

LIFECYCLE = {
    "confirm": services.confirm,
    "tentative": services.make_tentative,
    "held": services.mark_held,
}


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _form_page(form, meeting=None, conflicts=None) -> str:
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, conflicts=conflicts or []
    )


def _render_form(form, meeting=None, conflicts=None, status=200):
    return _form_page(form, meeting, conflicts), status


def _save(form: MeetingForm, meeting: Meeting | None, times: dict) -> Meeting:
    data, reason = form_data(form, times), form.override_reason.data
    if meeting is None:
        return services.create_meeting(current_user, data, selected_partners(form), reason)
    return services.update_meeting(meeting, data, selected_partners(form), reason)


def _saved(saved: Meeting):
    if saved.start_dt < now_utc():
        flash(_("This meeting starts in the past; it is recorded as history."), "warning")
    flash(_("The meeting has been saved."), "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=saved.id))


def _submit(form: MeetingForm, meeting: Meeting | None):
    times = read_times(form)
    if times is None:
        return _render_form(form, meeting, status=400)
    return save(
        lambda: _save(form, meeting, times),
        _saved,
        lambda error: _form_page(form, meeting, error.conflicts),
    )


@bp.route("/")
def list_meetings():
    start = now_utc() - timedelta(days=7)
    meetings = queries.meetings_between(start, start + timedelta(days=120))
    return render_template("meetings/list.html", meetings=meetings)


def _prefill_times(form: MeetingForm) -> None:
    """A time picked in "find a time" arrives as start_local/end_local/timezone parameters."""
    zone = normalize_timezone(request.args.get("timezone"))
    if zone:
        form.timezone.data = zone
    for field in (form.start_local, form.end_local):
        try:
            value = datetime.fromisoformat(request.args.get(field.name, ""))
        except ValueError:
            continue
        field.data = value.replace(tzinfo=None)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_meeting():
    form = MeetingForm()
    prepare(form)
    if request.method == "GET":
        _prefill_times(form)
    if form.validate_on_submit():
        return _submit(form, None)
    return _render_form(form, status=400 if form.errors else 200)


@bp.route("/<int:meeting_id>")
def show_meeting(meeting_id):
    meeting = queries.meeting_for_page(meeting_id) or abort(404)
    participant_form = ParticipantForm()
    participant_form.person.choices = queries.people_choices(meeting, current_language())
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        participant_form=participant_form,
        reason_form=ReasonForm(),
        conflicts=[],
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_meeting(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    prepare(form, meeting.room_id)
    if request.method == "GET":
        form.partners.data = [p.id for p in meeting.partners]
        form.start_local.data = to_local_naive(meeting.start_dt, meeting.timezone)
        form.end_local.data = to_local_naive(meeting.end_dt, meeting.timezone)
        form.room_id.data = meeting.room_id or 0
        form.host_side.data = meeting.host_side or ""
    if form.validate_on_submit():
        return _submit(form, meeting)
    return _render_form(form, meeting, status=400 if form.errors else 200)


@bp.route("/<int:meeting_id>/<action>", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def change_status(meeting_id, action):
    meeting = _meeting_or_404(meeting_id)
    if action in LIFECYCLE:
        return _run(meeting, LIFECYCLE[action])
    if action in ("cancel", "postpone"):
        form = ReasonForm()
        if not form.validate_on_submit():
            flash(_("Please give a reason."), "error")
            return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id)), 303
        call = services.cancel if action == "cancel" else services.postpone
        return _run(meeting, lambda m: call(m, form.reason.data))
    abort(404)


def _run(meeting: Meeting, change):
    """Apply a lifecycle or participant *change*; on refusal show the meeting with the reason."""

    def again(error):
        return render_template(
            "meetings/detail.html",
            meeting=db.session.get(Meeting, meeting.id),
            participant_form=None,
            reason_form=ReasonForm(),
            conflicts=error.conflicts,
        )

    return save(
        lambda: change(meeting),
        lambda _result: redirect(url_for("meetings.show_meeting", meeting_id=meeting.id)),
        again,
        _("The meeting has been updated."),
    )


@bp.route("/<int:meeting_id>/participants", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_participant(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = ParticipantForm()
    form.person.choices = queries.people_choices(meeting, current_language())
    person = person_from(form) if form.validate_on_submit() else None
    if not person or None in person.values():
        flash(_("Choose a person, or enter a valid e-mail address for a guest."), "error")
        return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id)), 303
    change = lambda m: services.add_participant(  # noqa: E731
        m, form.role.data, form.override_reason.data, **person
    )
    return _run(meeting, change)


@bp.route("/<int:meeting_id>/participants/<int:participant_id>/remove", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def remove_participant(meeting_id, participant_id):
    meeting = _meeting_or_404(meeting_id)
    participant = next((p for p in meeting.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    return _run(meeting, lambda m: services.remove_participant(m, participant))
