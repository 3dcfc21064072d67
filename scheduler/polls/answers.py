"""Answers through the signed link: read the token, record a person's answers (changeable
while the poll is open and before its closing date), audited. A link stops working LINK_DAYS
after its poll ended (`link_expires_at`)."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from scheduler.audit.services import record
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.invites.notices import absolute_url
from scheduler.meetings.services import participant_label
from scheduler.polls.models import (
    MAX_TEXT,
    POLL_CHOICES,
    Poll,
    PollAnswer,
    PollChoice,
    PollInvitee,
    PollStatus,
)
from scheduler.polls.tokens import seal, unseal

# How long a link keeps working once its poll has ended: long enough to look the chosen time
# up again, not for ever (the link names a person and needs no login).
LINK_DAYS = 30

TOKEN_PROBLEMS = {
    "tampered": (400, _l("This answer link is not valid. Please use the link from your e-mail.")),
    "foreign": (404, _l("This answer link does not belong to any time poll we know.")),
    "expired": (
        410,
        _l(
            "This time poll ended more than %(days)d days ago, so its answer link no longer works.",
            days=LINK_DAYS,
        ),
    ),
}


class PollLinkError(UserError):
    """A poll link that cannot be used (``reason``: tampered, foreign or expired)."""

    def __init__(self, reason: str):
        status, message = TOKEN_PROBLEMS[reason]
        super().__init__(message, status=status)
        self.reason = reason


class AnswerError(UserError):
    """Answers that cannot be recorded as sent; nothing is changed."""


def poll_token(invitee: PollInvitee) -> str:
    """The token bound to this person asked in this poll."""
    return seal(invitee.id, invitee.poll_id)


def poll_url(invitee: PollInvitee) -> str:
    """The absolute answer link (under BASE_URL), for mail."""
    return absolute_url("poll_answer.answer", token=poll_token(invitee))


def read_token(token: str) -> PollInvitee:
    """The person asked that *token* names; PollLinkError when altered or unknown."""
    try:
        invitee_id, poll_id = unseal(token)
    except ValueError as error:
        raise PollLinkError("tampered") from error
    invitee = db.session.get(PollInvitee, invitee_id)
    if invitee is None or invitee.poll_id != poll_id:
        raise PollLinkError("foreign")
    return invitee


def link_expires_at(poll: Poll) -> datetime:
    """When the poll's links stop working: LINK_DAYS after its closing date, or after it was
    closed or withdrawn when that came later (an overrunning poll closed late)."""
    ended = max(poll.closes_at, poll.closed_at or poll.closes_at)
    return ended + timedelta(days=LINK_DAYS)


def check_link_alive(invitee: PollInvitee) -> None:
    """Refuse (410) a link whose poll ended more than LINK_DAYS ago; the token itself has no
    expiry (`tokens`): the poll's dates decide."""
    if now_utc() >= link_expires_at(invitee.poll):
        raise PollLinkError("expired")


def takes_answers(invitee: PollInvitee) -> bool:
    """Whether the poll still takes (and lets people change) answers."""
    poll = invitee.poll
    return poll.status == PollStatus.OPEN and now_utc() < poll.closes_at


def _checked(invitee: PollInvitee, choices: Mapping[int, str], none_work: bool, texts) -> dict:
    if not takes_answers(invitee):
        raise AnswerError(_l("This time poll no longer takes answers."), status=409)
    if any(len(text) > MAX_TEXT for text in texts):
        raise AnswerError(_l("At most %(max)d characters.", max=MAX_TEXT))
    candidates = invitee.poll.candidates
    if none_work:
        return {c.id: PollChoice.NO.value for c in candidates}
    wanted = {c.id: choices.get(c.id) for c in candidates}
    if any(choice not in POLL_CHOICES for choice in wanted.values()):
        raise AnswerError(_l("Please answer for every proposed time."))
    return wanted


def record_answers(
    invitee: PollInvitee,
    choices: Mapping[int, str],
    comment: str = "",
    none_work: bool = False,
    proposal: str = "",
) -> None:
    """Store this person's answers (replacing earlier ones), comment and proposal; flushes.

    "None of these work" answers No for every time. Two submissions at once queue on the
    person's row (PostgreSQL; SQLite lets one writer in at a time): the later one wins whole.
    An answer the same as the stored one changes (and audits) nothing: a double click or a
    resent form is not a second answer.
    """
    db.session.refresh(invitee, with_for_update=True)
    comment, proposal = comment.strip(), proposal.strip() if none_work else ""
    wanted = _checked(invitee, choices, none_work, (comment, proposal))
    before = {a.candidate_id: a.choice for a in invitee.answers}
    stored_now = (before, invitee.comment, invitee.none_work, invitee.proposal)
    if invitee.answered_at and stored_now == (wanted, comment, none_work, proposal):
        return
    stored = {a.candidate_id: a for a in invitee.answers}
    for candidate_id, choice in wanted.items():
        if candidate_id in stored:
            stored[candidate_id].choice = choice
        else:
            invitee.answers.append(PollAnswer(candidate_id=candidate_id, choice=choice))
    invitee.comment, invitee.none_work, invitee.proposal = comment, none_work, proposal
    invitee.answered_at = now_utc()
    changes = {
        "participant": participant_label(invitee.participant),
        "answers": [_plain(before), _plain(wanted)],
    }
    record(db.session, "poll_answer", invitee.poll, changes)
    db.session.flush()


def _plain(choices: Mapping[int, str]) -> dict:
    return {str(key): choices[key] for key in sorted(choices)}
