"""The mails a poll sends, queued in the outbox in the same transaction as the change: the
request to each person asked, in their language, the times on their clock first."""

from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.invites.notices import both_clocks, meeting_context, queue_notice
from scheduler.invites.recipients import recipient_of
from scheduler.polls.answers import poll_url
from scheduler.polls.models import Poll
from scheduler.polls.services import closing_day
from scheduler.polls.signals import poll_changed
from scheduler.timefmt import format_day


def _request(poll: Poll, invitee) -> None:
    recipient = recipient_of(invitee.participant)
    if recipient is None:  # refused when the poll was made; the e-mail went since
        return
    with force_locale(recipient.language):
        context = meeting_context(poll.meeting, recipient)
        context.update(
            candidates=[both_clocks(c.start_dt, recipient, c.end_dt) for c in poll.candidates],
            answer_url=poll_url(invitee),
            closes_on=format_day(closing_day(poll), recipient.language),
        )
        subject = _("Which times suit you? %(title)s", title=context["title"])
        queue_notice(recipient, "poll_request", subject, context, kind="poll_request")


def _on_poll_changed(poll: Poll, change: str = "", **_details) -> None:
    if change == "opened":
        for invitee in poll.invitees:
            _request(poll, invitee)


def register_poll_listeners(app) -> None:
    """Mail the people asked when a poll opens (idempotent: tests build many apps)."""
    poll_changed.connect(_on_poll_changed, weak=False)
