"""Meeting pages: list, create, edit, participants and lifecycle actions (thin)."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler import people
from scheduler.auth.models import EDITOR_ROLES
from scheduler.db import now_utc
from scheduler.errors import StaleEdit, child_or_404
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
from scheduler.meetings.forms import MeetingForm, NewMeetingForm, ParticipantForm, ReasonForm
from scheduler.meetings.handoff import read_handoff, resolve_people
from scheduler.meetings.mailed import mailed_message
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.versions import (
    check_version,
    form_differences,
    stale_page,
    status_difference,
)
from scheduler.pagecache import kept_page
from scheduler.security import roles_required
from scheduler.timefmt import to_local_naive
from scheduler.transaction import save

LIFECYCLE = {
    "confirm": services.confirm,
    "tentative": services.make_tentative,
    "held": services.mark_held,
}
# The status each button asks for (shown on the 409 page when the meeting changed meanwhile).
WANTED_STATUS = {
    "confirm": MeetingStatus.CONFIRMED,
    "tentative": MeetingStatus.TENTATIVE,
    "held": MeetingStatus.HELD,
    "cancel": MeetingStatus.CANCELLED,
    "postpone": MeetingStatus.POSTPONED,
}


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _form_page(form, meeting=None, conflicts=None, notes=()) -> str:
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=meeting,
        conflicts=conflicts or [],
        handoff_notes=notes,
    )


def _render_form(form, meeting=None, conflicts=None, status=200, notes=()):
    return _form_page(form, meeting, conflicts, notes), status


def _save(form: MeetingForm, meeting: Meeting | None, times: dict, chosen=()) -> Meeting:
    data, reason = form_data(form, times), form.override_reason.data
    if meeting is None:
        created = services.create_meeting(current_user, data, selected_partners(form), reason)
        services.add_people(created, chosen, reason)
        return created
    check_version(meeting, request.form.get("version"))
    return services.update_meeting(meeting, data, selected_partners(form), reason)


def _refused_edit(form: MeetingForm, meeting: Meeting | None, times: dict, error):
    """The form again with the reason; or, when someone else saved first, the 409 page."""
    if meeting is None or not isinstance(error, StaleEdit):
        return _form_page(form, meeting, error.conflicts)
    rows = form_differences(form, meeting, form_data(form, times), form.partners.data or [])
    return stale_page(meeting, rows, url_for("meetings.edit_meeting", meeting_id=meeting.id))


def _saved(saved: Meeting, notes=()):
    for note in notes:
        flash(note, "warning")
    if saved.start_dt < now_utc():
        flash(_("This meeting starts in the past; it is recorded as history."), "warning")
    flash(_("The meeting has been saved."), "success")
    # Suggestions ticked in the slot finder to ask the partner about: on to the poll form.
    picked = request.args.getlist("poll_time")
    if picked and saved.status == MeetingStatus.DRAFT:
        return redirect(url_for("polls.new_poll", meeting_id=saved.id, poll_time=picked))
    return redirect(url_for("meetings.show_meeting", meeting_id=saved.id))


def _chosen_people(form: MeetingForm) -> tuple[list, list[str]] | None:
    """The active people picked on a new-meeting form and notes on those left out; None
    (with an error beside the field) when the form names someone who does not exist."""
    if "participants" not in form:
        return [], []
    chosen, notes, unknown = resolve_people(form.participants.data or [])
    if unknown:
        form.participants.errors.append(_("Choose people from the list."))
        return None
    return chosen, notes


def _submit(form: MeetingForm, meeting: Meeting | None):
    times, picked = read_times(form), _chosen_people(form)
    if times is None or picked is None:
        return _render_form(form, meeting, status=400)
    chosen, notes = picked
    return save(
        lambda: _save(form, meeting, times, chosen),
        lambda saved: _saved(saved, notes),
        lambda error: _refused_edit(form, meeting, times, error),
    )


@bp.route("/")
def list_meetings():
    start = now_utc() - timedelta(days=7)
    meetings = queries.meetings_between(start, start + timedelta(days=120))
    return render_template("meetings/list.html", meetings=meetings)


def _prefill(form: NewMeetingForm) -> list[str]:
    """Fill the form from a "find a time" or "new meeting with …" link; the notes say what
    was left out."""
    handoff = read_handoff(request.args)
    if handoff.timezone:
        form.timezone.data = handoff.timezone
    for name, value in handoff.times.items():
        form[name].data = value
    form.partners.data = [p.id for p in handoff.partners]
    form.participants.data = [people.key_of(record) for record in handoff.people]
    return handoff.notes


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_meeting():
    form = NewMeetingForm()
    prepare(form)
    form.participants.choices = queries.all_people_choices(current_language())
    notes = _prefill(form) if request.method == "GET" else []
    if form.validate_on_submit():
        return _submit(form, None)
    return _render_form(form, status=400 if form.errors else 200, notes=notes)


@bp.route("/<int:meeting_id>")
@kept_page
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
        return _run(meeting, _versioned(LIFECYCLE[action]), WANTED_STATUS[action], action)
    if action in ("cancel", "postpone"):
        form = ReasonForm()
        if not form.validate_on_submit():
            flash(_("Please give a reason."), "error")
            again = url_for("meetings.confirm_action", meeting_id=meeting.id, action=action)
            return redirect(again), 303
        call = services.cancel if action == "cancel" else services.postpone
        change = _versioned(lambda m: call(m, form.reason.data))
        return _run(meeting, change, WANTED_STATUS[action], action)
    abort(404)


def _versioned(change):
    """*change*, refused first when the form was opened on an older version of the meeting."""

    def run(meeting: Meeting):
        check_version(meeting, request.form.get("version"))
        return change(meeting)

    return run


def _run(meeting: Meeting, change, wanted: str | None = None, action: str = ""):
    """Apply a lifecycle or participant *change*; on refusal show the meeting with the reason
    (or, for a status button pressed on an older version, the 409 page about the *wanted* one).
    After an *action* that e-mails people, the message says how many (the change's result)."""

    def again(error):
        if wanted is not None and isinstance(error, StaleEdit):
            saved = db.session.get(Meeting, meeting.id)
            rows = status_difference(saved, wanted)
            return stale_page(saved, rows, url_for("meetings.show_meeting", meeting_id=saved.id))
        return render_template(
            "meetings/detail.html",
            meeting=db.session.get(Meeting, meeting.id),
            participant_form=None,
            reason_form=ReasonForm(),
            conflicts=error.conflicts,
        )

    def done(mailed):
        flash(mailed_message(action, mailed or 0) or _("The meeting has been updated."), "success")
        return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))

    return save(lambda: change(meeting), done, again)


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
    participant = child_or_404(meeting.participants, participant_id)
    return _run(meeting, lambda m: services.remove_participant(m, participant), action="remove")
