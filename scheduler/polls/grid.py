"""The staff view of a poll: people × candidate times, and the candidates ranked.

Ranking: fewest No first, then fewest "if need be", then most Yes, then the slot finder's
score (a suggested time before one typed by hand), then the earlier time. A time everyone
asked said Yes to therefore comes first.
"""

from dataclasses import dataclass, field

from scheduler.meetings.services import participant_label
from scheduler.polls.models import Poll, PollCandidate, PollChoice, PollInvitee


@dataclass
class Tally:
    """The answers about one candidate, and its place in the ranking (1 = best)."""

    candidate: PollCandidate
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PollChoice, 0))
    rank: int = 0

    @property
    def everyone_yes(self) -> bool:
        return self.counts[PollChoice.NO] == 0 and self.counts[PollChoice.IF_NEED_BE] == 0


@dataclass(frozen=True)
class Row:
    """One person asked: their answer per candidate (in time order; None = not answered)."""

    invitee: PollInvitee
    name: str
    choices: list[str | None]


def tallies(poll: Poll) -> list[Tally]:
    """A Tally per candidate, in time order, each with its rank."""
    found = [Tally(candidate) for candidate in poll.candidates]
    by_id = {t.candidate.id: t for t in found}
    for invitee in poll.invitees:
        for answer in invitee.answers:
            by_id[answer.candidate_id].counts[answer.choice] += 1
    for rank, tally in enumerate(sorted(found, key=_rank_key), 1):
        tally.rank = rank
    return found


def _rank_key(tally: Tally):
    counts = tally.counts
    yes, maybe, no = counts[PollChoice.YES], counts[PollChoice.IF_NEED_BE], counts[PollChoice.NO]
    score = tally.candidate.finder_score
    return (no, maybe, -yes, score is None, score or 0, tally.candidate.start_dt)


def ranked(poll: Poll) -> list[Tally]:
    """The candidates best first."""
    return sorted(tallies(poll), key=lambda t: t.rank)


def rows(poll: Poll) -> list[Row]:
    """Each person asked with their answers, in the order they were asked."""
    return [
        Row(
            invitee,
            participant_label(invitee.participant),
            [invitee.choice_for(c) for c in poll.candidates],
        )
        for invitee in poll.invitees
    ]


def not_answered(poll: Poll) -> list[str]:
    """The names of the people asked who have not answered yet."""
    return [participant_label(i.participant) for i in poll.invitees if i.answered_at is None]
