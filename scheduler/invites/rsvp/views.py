"""The public RSVP page: a recipient answers an invitation through their signed link.

GET only shows the meeting (mail scanners open links); the button POSTs the answer with a
CSRF token. A link from an older version of the meeting shows the current details and offers
the answer for the current version; a bad link gets a translated 4xx page and changes nothing.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from wtforms import StringField
from wtforms.validators import AnyOf

from scheduler.forms import BaseForm
from scheduler.i18n import link_page_language
from scheduler.invites.notices import both_clocks
from scheduler.invites.recipients import Recipient, reader_text
from scheduler.invites.rsvp.services import (
    ANSWER_BUTTONS,
    RSVP_ANSWERS,
    RSVP_LABELS,
    RSVPError,
    read_token,
    reader_of,
    record_answer,
    rsvp_token,
)
from scheduler.meetings.models import MeetingStatus
from scheduler.security import public

bp = Blueprint("rsvp", __name__, url_prefix="/rsvp")
bp.add_app_template_global(RSVP_LABELS, "RSVP_LABELS")
CLOSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.HELD)


class AnswerForm(BaseForm):
    """The answer button; the CSRF token rides along (the session is the recipient's browser)."""

    answer = StringField(validators=[AnyOf(RSVP_ANSWERS)])


def _invalid(error: RSVPError):
    return render_template("invites/rsvp/invalid.html", message=error.message), error.status


@bp.route("/<token>", methods=["GET", "POST"])
@public
def respond(token: str):
    """Show the meeting and the answer buttons (GET) or record the answer (POST)."""
    try:
        claim = read_token(token)
    except RSVPError as error:
        return _invalid(error)
    reader = reader_of(claim.participant)
    with force_locale(link_page_language(reader.language)):
        if request.method == "POST":
            return _answer(claim, reader)
        return _page(claim, reader, request.args.get("answer", ""))


def _page(claim, reader: Recipient, chosen: str, form=None, status: int = 200):
    participant = claim.participant
    meeting = participant.meeting
    context = {
        "meeting": meeting,
        "participant": participant,
        "reader": reader,
        "title": reader_text(meeting, "title", reader),
        "place": reader_text(meeting, "location", reader),
        "agenda": reader_text(meeting, "agenda", reader),
        "calendar_url": url_for("rsvp_calendar.download", token=rsvp_token(participant)),
        "when": both_clocks(meeting.start_dt, reader, meeting.end_dt),
        "is_stale": claim.is_stale,
        "is_closed": meeting.status in CLOSED_STATUSES,
        "chosen": chosen if chosen in RSVP_ANSWERS else "",
        "action": url_for("rsvp.respond", token=rsvp_token(participant)),
        "form": form or AnswerForm(),
        "buttons": ANSWER_BUTTONS,
    }
    return render_template("invites/rsvp/respond.html", **context), status


def _answer(claim, reader: Recipient):
    form = AnswerForm()
    if not form.validate_on_submit():
        return _page(claim, reader, "", form, 400)
    if claim.is_stale or claim.participant.meeting.status in CLOSED_STATUSES:
        return _page(claim, reader, form.answer.data, status=409)
    record_answer(claim, form.answer.data)  # False when the same answer is already stored
    label = RSVP_LABELS[claim.participant.rsvp_status]
    flash(_("Thank you. Your answer has been recorded: %(answer)s", answer=label), "success")
    return redirect(url_for("rsvp.respond", token=rsvp_token(claim.participant)))
