"""Staff pages of polls: propose times for a draft meeting (or for the slot finder's ticked
suggestions), the confirmation page before closing on a time, close, withdraw, remind those
who have not answered (thin). The poll shows on the meeting page (`panel`), the dashboard
(`waiting`), the partner's history (`partner_events`) and the statistics (`agreement`), all
template globals."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import child_or_404
from scheduler.extensions import db
from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.mailed import mailed_message
from scheduler.meetings.models import Meeting
from scheduler.meetings.services import participant_label
from scheduler.polls import from_slots, reminders, services
from scheduler.polls.agreement import days_to_agree
from scheduler.polls.closing import candidate_of, preview_closing
from scheduler.polls.forms import CloseForm, ProposeForm
from scheduler.polls.models import CHOICE_LABELS, STATUS_LABELS, Poll
from scheduler.polls.panel import candidate_warnings, meeting_poll_panel, poll_time
from scheduler.polls.partner_events import partner_poll_events
from scheduler.polls.services import PollError
from scheduler.polls.waiting import waiting_polls
from scheduler.security import roles_required, safe_next
from scheduler.timefmt import LocalTimeError, local_time_error_text, localize_strict
from scheduler.transaction import save

bp = Blueprint("polls", __name__, url_prefix="/meetings")
bp.add_app_template_global(meeting_poll_panel, "meeting_poll_panel")
bp.add_app_template_global(poll_time, "poll_time")
bp.add_app_template_global(CHOICE_LABELS, "POLL_CHOICE_LABELS")
bp.add_app_template_global(STATUS_LABELS, "POLL_STATUS_LABELS")
bp.add_app_template_global(waiting_polls, "waiting_polls")
bp.add_app_template_global(partner_poll_events, "partner_poll_events")
bp.add_app_template_global(days_to_agree, "days_to_agree")


def _read_times(form: ProposeForm, zone: str) -> list | None:
    """The filled rows as (start, end) UTC pairs; None with an error beside a bad row."""
    times, ok = [], True
    for number, (start, end) in enumerate(zip(form.starts, form.ends, strict=True), 1):
        if start.errors or end.errors:
            ok = False
        elif (start.data is None) != (end.data is None):
            start.errors = [_("Give both a start and an end for time %(number)d.", number=number)]
            ok = False
        elif start.data is not None:
            try:
                times.append((localize_strict(start.data, zone), localize_strict(end.data, zone)))
            except LocalTimeError as error:
                start.errors = [local_time_error_text(error, zone)]
                ok = False
    return times if ok else None


def _form_page(meeting: Meeting, form: ProposeForm, warnings=None, status=200, suggested=None):
    """The proposal form; *suggested*: the slot finder's suggestions it carries (by default
    those the posted form carried)."""
    if suggested is None:
        suggested = request.form.getlist("suggested")
    page = render_template(
        "polls/new.html", meeting=meeting, form=form, warnings=warnings, suggested=suggested
    )
    return page, status


@bp.route("/find-a-time/ask")
@roles_required(*EDITOR_ROLES)
def ask_from_slots():
    """The slot finder's ticked suggestions → the new-meeting form (nothing saved yet)."""
    try:
        picks = from_slots.checked_picks(request.args.getlist("pick"))
    except PollError as error:
        flash(str(error.message), "error")
        return redirect(safe_next(request.args.get("back"))), 303
    return redirect(from_slots.new_meeting_url(request.args, picks)), 303


@bp.route("/<int:meeting_id>/poll/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_poll(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = ProposeForm()
    form.people.choices = [(p.id, participant_label(p)) for p in meeting.participants]
    if request.method == "GET":
        form.people.data = [p.id for p in meeting.participants]
        picked = request.args.getlist(from_slots.PICK_ARG)
        return _form_page(
            meeting, form, suggested=from_slots.prefill(form, picked, meeting.timezone)
        )
    times = _read_times(form, meeting.timezone) if form.validate_on_submit() else None
    if times is None:
        return _form_page(meeting, form, status=400)
    if form.action.data == "check":
        warnings = [(s, e, candidate_warnings(meeting, s, e)) for s, e in times]
        return _form_page(meeting, form, warnings)
    people = [child_or_404(meeting.participants, pid) for pid in form.people.data or []]
    return save(
        lambda: services.create_poll(
            meeting, current_user, times, people, form.closes_on.data, _scores()
        ),
        lambda _poll: _to_meeting(meeting, _("The times have been sent to the people asked.")),
        lambda _error: _form_page(meeting, form)[0],
    )


def _scores() -> dict:
    return from_slots.scores(request.form.getlist("suggested"))


def _to_meeting(meeting: Meeting, message: str | None = None):
    if message:
        flash(message, "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))


def _meeting_page(meeting_id: int, error):
    """The meeting page again, with the reason flashed and any clashes listed."""
    return render_template(
        "meetings/detail.html",
        meeting=db.session.get(Meeting, meeting_id),
        participant_form=None,
        reason_form=ReasonForm(),
        conflicts=error.conflicts,
    )


def _poll_or_404(meeting_id: int, poll_id: int) -> Poll:
    poll = db.get_or_404(Poll, poll_id)
    if poll.meeting_id != meeting_id:
        abort(404)
    return poll


def _closing_page(poll: Poll, candidate_id, reason: str | None = None, form=None):
    """The confirmation page before booking a candidate (400 when closing is refused)."""
    candidate = candidate_of(poll, candidate_id) or abort(404)
    closing = preview_closing(poll, candidate, reason)
    form = form or CloseForm(data={"candidate": candidate.id, "override_reason": reason})
    page = render_template("polls/close.html", closing=closing, meeting=poll.meeting, form=form)
    return page, 400 if closing.refused else 200


@bp.route("/<int:meeting_id>/polls/<int:poll_id>/close", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_close(meeting_id, poll_id):
    """Who will be mailed, who said No or never answered, and any clash; the button posts."""
    return _closing_page(_poll_or_404(meeting_id, poll_id), request.args.get("candidate"))


@bp.route("/<int:meeting_id>/polls/<int:poll_id>/close", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def close_poll(meeting_id, poll_id):
    poll = _poll_or_404(meeting_id, poll_id)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the proposed times."), "error")
        return _to_meeting(poll.meeting), 303
    meeting, reason = poll.meeting, form.override_reason.data
    return save(
        lambda: services.close_poll(poll, form.candidate.data, reason),
        lambda mailed: _to_meeting(meeting, mailed_message("confirm", mailed or 0)),
        lambda error: _closing_page(poll, form.candidate.data, reason, form)[0],
    )


def _on_poll(meeting_id: int, poll_id: int, change, message):
    """Run ``change(poll)`` on this meeting's poll: the meeting page with ``message(result)``
    flashed, or with the reason and any clashes."""
    poll = _poll_or_404(meeting_id, poll_id)
    meeting = poll.meeting
    return save(
        lambda: change(poll),
        lambda result: _to_meeting(meeting, message(result)),
        lambda error: _meeting_page(meeting.id, error),
    )


@bp.route("/<int:meeting_id>/polls/<int:poll_id>/withdraw", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def withdraw_poll(meeting_id, poll_id):
    withdrawn = _("The time poll has been withdrawn.")
    return _on_poll(meeting_id, poll_id, services.withdraw_poll, lambda _none: withdrawn)


@bp.route("/<int:meeting_id>/polls/<int:poll_id>/remind", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def remind_poll(meeting_id, poll_id):
    return _on_poll(meeting_id, poll_id, reminders.remind, _reminded_message)


def _reminded_message(count: int) -> str:
    return ngettext(
        "A reminder has been sent to %(num)d person who has not answered.",
        "A reminder has been sent to %(num)d people who have not answered.",
        count,
    )
