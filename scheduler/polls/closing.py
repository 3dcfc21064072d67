"""The step before closing a poll: what booking one candidate would do, found by doing it and
taking it back (`meetings.preview.dry_run`), so the page names exactly whom the button mails.

It also flags to staff the people asked who said No or "if need be" to that time, and those
who never answered, and tells whether the time clashes: with people (a reason is then
required, as on the meeting form) or with an interpreter or room (closing is refused).
"""

from dataclasses import dataclass, field

from scheduler.errors import UserError
from scheduler.meetings.preview import MailedPerson, dry_run, participant_with_partner
from scheduler.polls import services
from scheduler.polls.models import Poll, PollCandidate, PollChoice

# Any text does for the rehearsal: the reason is audited, it changes nobody's mail.
REHEARSAL_REASON = "-"


@dataclass(frozen=True)
class Closing:
    """What closing *poll* on *candidate* would do, for the confirmation page."""

    poll: Poll
    candidate: PollCandidate
    people: list[MailedPerson] = field(default_factory=list)
    refused: UserError | None = None  # the reason closing is impossible (no button then)
    conflicts: list = field(default_factory=list)  # what is already booked at that time
    said_no: list[str] = field(default_factory=list)
    if_need_be: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # never answered

    @property
    def needs_reason(self) -> bool:
        """Whether people already have a meeting then: the button asks for a reason."""
        return self.refused is None and bool(self.conflicts)


def candidate_of(poll: Poll, candidate_id) -> PollCandidate | None:
    """The candidate of *poll* with *candidate_id* (any text), or None."""
    return next((c for c in poll.candidates if str(c.id) == str(candidate_id)), None)


def _answers(poll: Poll, candidate: PollCandidate) -> dict[str, list[str]]:
    """The names of the people asked, by their answer about *candidate* ("" = none)."""
    found: dict[str, list[str]] = {PollChoice.NO: [], PollChoice.IF_NEED_BE: [], "": []}
    for invitee in poll.invitees:
        choice = invitee.choice_for(candidate) if invitee.answered_at else ""
        if choice in found:
            found[choice].append(participant_with_partner(invitee.participant))
    return found


def _rehearse(poll: Poll, candidate_id: int, reason: str | None):
    participants = list(poll.meeting.participants)
    return dry_run(lambda: services.close_poll(poll, candidate_id, reason), participants)


def preview_closing(poll: Poll, candidate: PollCandidate, reason: str | None = None) -> Closing:
    """Rehearse closing *poll* on *candidate* (nothing is kept) and say what it would do.

    A clash with people alone is rehearsed again with a reason, so the page can still name
    whom the button mails once staff give theirs."""
    answers, candidate_id = _answers(poll, candidate), candidate.id
    people, error = _rehearse(poll, candidate_id, reason)
    conflicts = list(error.conflicts) if error is not None else []
    if conflicts and not any(c.is_hard for c in conflicts):
        people, error = _rehearse(poll, candidate_id, REHEARSAL_REASON)
    return Closing(
        poll,
        candidate,
        people,
        error,
        conflicts,
        answers[PollChoice.NO],
        answers[PollChoice.IF_NEED_BE],
        answers[""],
    )
