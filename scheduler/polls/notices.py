"""The mails a poll sends, queued in the outbox in the same transaction as the change.

To each person asked, in their language, the times on their clock first: the request (and
reminders, the same mail with a reminder's opening and the same signed link), and a short
note when the poll closes ("the time is set") or is withdrawn. To staff (the poll's creator
and the meeting's organizer): that the closing date passed with the poll still open.
"""

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from scheduler.extensions import db
from scheduler.invites.notices import (
    absolute_url,
    both_clocks,
    meeting_context,
    queue_notice,
    staff_message,
)
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.recipients import recipient_of, user_recipient
from scheduler.meetings.signals import planned_mail
from scheduler.polls import grid
from scheduler.polls.answers import poll_url
from scheduler.polls.holds import register_hold_listeners
from scheduler.polls.models import Poll, PollInvitee
from scheduler.polls.services import closing_day
from scheduler.polls.signals import poll_changed
from scheduler.timefmt import format_day

OVERDUE_KIND = "poll_overdue"
PLANNED = "poll_notes_planned"  # session.info: the addresses this transaction's notes go to


def _candidates(poll: Poll, recipient) -> list[str]:
    return [both_clocks(c.start_dt, recipient, c.end_dt) for c in poll.candidates]


def queue_request(poll: Poll, invitee: PollInvitee, reminder: bool = False) -> bool:
    """Queue the request to answer (or, *reminder*, a reminder of it) to one person asked;
    False when they have no e-mail address (any more)."""
    recipient = recipient_of(invitee.participant)
    if recipient is None:
        return False
    with force_locale(recipient.language):
        context = meeting_context(poll.meeting, recipient)
        context.update(
            candidates=_candidates(poll, recipient),
            answer_url=poll_url(invitee),
            closes_on=format_day(closing_day(poll), recipient.language),
            reminder=reminder,
        )
        if reminder:
            subject = _("Reminder: which times suit you? %(title)s", title=context["title"])
        else:
            subject = _("Which times suit you? %(title)s", title=context["title"])
        kind = "poll_reminder" if reminder else "poll_request"
        queue_notice(recipient, "poll_request", subject, context, kind=kind)
    return True


def _queue_note(poll: Poll, invitee: PollInvitee) -> None:
    """The short note after the poll: the time is set (closed) or the poll is withdrawn."""
    recipient = recipient_of(invitee.participant)
    if recipient is None:
        return
    chosen = poll.chosen
    db.session.info.setdefault(PLANNED, set()).add(recipient.key)
    with force_locale(recipient.language):
        context = meeting_context(poll.meeting, recipient)
        if chosen is not None:
            context["chosen"] = both_clocks(chosen.start_dt, recipient, chosen.end_dt)
            subject = _("The time is set: %(title)s", title=context["title"])
        else:
            subject = _("Time poll withdrawn: %(title)s", title=context["title"])
        queue_notice(recipient, "poll_note", subject, context, kind=f"poll_{poll.status}")


def queue_overdue_notice(poll: Poll) -> int:
    """Tell the poll's creator (and the meeting's organizer, when another person) that the
    closing date passed with the poll open: counts and the link. How many were told."""
    users = list({u.id: u for u in (poll.created_by, poll.meeting.organizer) if u}.values())
    told = 0
    for recipient in filter(None, map(user_recipient, users)):
        with force_locale(recipient.language):
            title = meeting_context(poll.meeting, recipient)["title"]
            context = {
                "recipient": recipient,
                "title": title,
                "answered": sum(1 for i in poll.invitees if i.answered_at is not None),
                "asked": len(poll.invitees),
                "tallies": [(t, _candidate_time(t, recipient)) for t in grid.ranked(poll)],
                "poll_url": absolute_url("meetings.show_meeting", meeting_id=poll.meeting_id)
                + "#poll",
            }
            subject = _("Time poll closing date passed: %(title)s", title=title)
            message = staff_message(recipient, OVERDUE_KIND, subject, context)
            enqueue(message, kind=OVERDUE_KIND, meeting_id=poll.meeting_id)
        told += 1
    return told


def _candidate_time(tally, recipient) -> str:
    return both_clocks(tally.candidate.start_dt, recipient, tally.candidate.end_dt)


def _on_poll_changed(poll: Poll, change: str = "", **_details) -> None:
    if change == "opened":
        for invitee in poll.invitees:
            queue_request(poll, invitee)
    elif change in ("closed", "withdrawn"):
        for invitee in poll.invitees:
            _queue_note(poll, invitee)


def planned_notes(_sender) -> set[str]:
    """The `planned_mail` receiver: the addresses this transaction's notes go to (so a
    confirmation page, e.g. cancelling a meeting with an open poll, names the people asked)."""
    return set(db.session.info.get(PLANNED, ()))


def _forget(session, *_args) -> None:
    session.info.pop(PLANNED, None)


def register_poll_listeners(app) -> None:
    """Mail the people asked when a poll opens, closes or is withdrawn; answer hold queries
    and withdraw the poll of a cancelled meeting (idempotent: tests build many apps)."""
    poll_changed.connect(_on_poll_changed, weak=False)
    planned_mail.connect(planned_notes, weak=False)
    for name in ("after_commit", "after_soft_rollback"):
        if not sa.event.contains(Session, name, _forget):
            sa.event.listen(Session, name, _forget)
    register_hold_listeners(app)
