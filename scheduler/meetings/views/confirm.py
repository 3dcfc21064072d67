"""Confirmation pages (issue 12, item 5): before confirming, making tentative, cancelling or
postponing a meeting, or removing a participant, a GET page says who will be e-mailed; its
button posts to the action itself (`pages.change_status`, `pages.remove_participant`),
carrying the meeting's version as the page saw it."""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import child_or_404
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.blueprint import bp
from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.models import Meeting
from scheduler.meetings.preview import Ask, confirmation_page
from scheduler.meetings.versions import check_version
from scheduler.security import roles_required
from scheduler.transaction import save

# Any text does for the rehearsal: the reason changes what a mail says, not who gets one.
REHEARSAL_REASON = "-"


def _questions() -> dict:
    """action → (heading, button, danger, the change as the POST makes it)."""
    return {
        "confirm": (_("Confirm this meeting?"), _("Confirm"), False, services.confirm),
        "tentative": (
            _("Mark this meeting as tentative?"),
            _("Mark tentative"),
            False,
            services.make_tentative,
        ),
        "postpone": (
            _("Postpone this meeting?"),
            _("Postpone"),
            True,
            lambda m: services.postpone(m, REHEARSAL_REASON),
        ),
        "cancel": (
            _("Cancel this meeting?"),
            _("Cancel meeting"),
            True,
            lambda m: services.cancel(m, REHEARSAL_REASON),
        ),
        "delete": (_("Delete this draft?"), _("Delete draft"), True, services.delete_draft),
    }


def _back(meeting: Meeting) -> str:
    return url_for("meetings.show_meeting", meeting_id=meeting.id)


@bp.route("/<int:meeting_id>/<action>", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_action(meeting_id, action):
    meeting = db.get_or_404(Meeting, meeting_id)
    question = _questions().get(action) or abort(404)
    heading, button, danger, change = question
    post_url = url_for("meetings.change_status", meeting_id=meeting.id, action=action)
    hidden = {"version": meeting.version}
    ask = Ask(heading, button, post_url, _back(meeting), hidden, danger, warn=action == "confirm")
    reason_form = ReasonForm() if action in ("cancel", "postpone") else None
    participants = list(meeting.participants)
    return confirmation_page(ask, meeting, lambda: change(meeting), participants, reason_form)


@bp.route("/<int:meeting_id>/participants/<int:participant_id>/remove", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_removal(meeting_id, participant_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    participant = child_or_404(meeting.participants, participant_id)
    name = services.participant_label(participant)
    post_url = url_for(
        "meetings.remove_participant", meeting_id=meeting.id, participant_id=participant.id
    )
    ask = Ask(
        _("Remove %(name)s from this meeting?", name=name),
        _("Remove"),
        post_url,
        _back(meeting),
        danger=True,
    )
    change = lambda: services.remove_participant(meeting, participant)  # noqa: E731
    return confirmation_page(ask, meeting, change, [participant])


@bp.route("/<int:meeting_id>/delete", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def delete_draft(meeting_id):
    """Delete a draft; anything sent is refused with the reason (the confirmation page again,
    saying why), a page opened on an older version gets that page anew (409)."""
    meeting = db.get_or_404(Meeting, meeting_id)

    def change():
        check_version(meeting, request.form.get("version"))
        services.delete_draft(meeting)

    def done(_result):
        return redirect(url_for("meetings.list_meetings"))

    def again(_error):
        page, _status = confirm_action(meeting_id, "delete")
        return page

    return save(change, done, again, _("The draft has been deleted."))
