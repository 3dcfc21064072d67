"""The public answer page of a poll, reached through the signed link in the mail.

GET only shows (mail scanners open links); the form POSTs the answers with a CSRF token. A
closed poll says which time was chosen; a bad link gets a translated 4xx page, an expired one
(`answers.LINK_DAYS` after the poll ended) a 410 page in the reader's language.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.i18n import link_page_language
from scheduler.invites.notices import both_clocks
from scheduler.invites.recipients import Recipient, reader_text
from scheduler.invites.rsvp.services import reader_of
from scheduler.polls.answer_limits import answer_allowed
from scheduler.polls.answers import (
    PollLinkError,
    check_link_alive,
    poll_token,
    read_token,
    record_answers,
    takes_answers,
)
from scheduler.polls.forms import AnswerForm
from scheduler.polls.models import POLL_CHOICES, PollInvitee
from scheduler.polls.services import closing_day
from scheduler.security import public
from scheduler.timefmt import format_day
from scheduler.transaction import save

bp = Blueprint("poll_answer", __name__, url_prefix="/polls")


@bp.route("/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    """Show the times and the answer form (GET) or record the answers (POST)."""
    try:
        invitee = read_token(token)
    except PollLinkError as error:
        return _invalid(error)
    reader = reader_of(invitee.participant)
    with force_locale(link_page_language(reader.language)):
        try:  # checked in the reader's language: the link names them
            check_link_alive(invitee)
        except PollLinkError as error:
            return _invalid(error)
        if request.method == "POST":
            if not answer_allowed(invitee.id):
                message = _("Too many attempts. Please wait a while and try again.")
                return render_template("invites/rsvp/invalid.html", message=message), 429
            return _record(invitee, reader)
        return _page(invitee, reader, AnswerForm(obj=invitee))


def _invalid(error: PollLinkError):
    return render_template("invites/rsvp/invalid.html", message=error.message), error.status


def _page(invitee: PollInvitee, reader: Recipient, form, chosen=None, status: int = 200):
    poll = invitee.poll
    meeting = poll.meeting
    candidates = [(c, both_clocks(c.start_dt, reader, c.end_dt)) for c in poll.candidates]
    stored = {c.id: invitee.choice_for(c) for c in poll.candidates}
    context = {
        "poll": poll,
        "invitee": invitee,
        "reader": reader,
        "title": reader_text(meeting, "title", reader),
        "organizer": meeting.organizer,
        "candidates": candidates,
        "chosen": chosen if chosen is not None else stored,
        "choices": POLL_CHOICES,
        "chosen_time": both_clocks(poll.chosen.start_dt, reader, poll.chosen.end_dt)
        if poll.chosen
        else "",
        "open": takes_answers(invitee),
        "closes_on": format_day(closing_day(poll), reader.language),
        "action": url_for("poll_answer.answer", token=poll_token(invitee)),
        "form": form,
    }
    return render_template("polls/answer.html", **context), status


def _record(invitee: PollInvitee, reader: Recipient):
    form = AnswerForm()
    sent = {c.id: request.form.get(f"choice-{c.id}", "") for c in invitee.poll.candidates}
    if not form.validate_on_submit():
        return _page(invitee, reader, form, sent, 400)
    return save(
        lambda: record_answers(
            invitee, sent, form.comment.data or "", form.none_work.data, form.proposal.data or ""
        ),
        lambda _none: _thanks(invitee),
        lambda _error: _page(invitee, reader, form, sent)[0],
    )


def _thanks(invitee: PollInvitee):
    flash(
        _("Thank you. Your answer has been recorded. You can change it until the poll closes."),
        "success",
    )
    return redirect(url_for("poll_answer.answer", token=poll_token(invitee)))
