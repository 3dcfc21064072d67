"""The dashboard's "waiting for answers" panel: the open polls, soonest closing first, each
with its meeting, partners, how many of the people asked have answered and the closing day.

One query for the polls with their counts (and one for the meetings' partners when there
are any): the dashboard costs the same however many polls are open.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from scheduler.extensions import db
from scheduler.meetings.models import Meeting
from scheduler.polls.models import Poll, PollInvitee, PollStatus
from scheduler.polls.services import closing_day

SHOWN = 20


@dataclass(frozen=True)
class WaitingPoll:
    """One open poll on the dashboard."""

    poll: Poll
    meeting: Meeting
    answered: int
    asked: int
    closes_on: date


def waiting_polls() -> list[WaitingPoll]:
    """The open polls (at most SHOWN), the soonest closing first."""
    answered = sa.func.count(PollInvitee.answered_at)
    query = (
        sa.select(Poll, answered, sa.func.count(PollInvitee.id))
        .join(PollInvitee, PollInvitee.poll_id == Poll.id)
        .where(Poll.status == PollStatus.OPEN)
        .group_by(Poll.id)
        .order_by(Poll.closes_at, Poll.id)
        .limit(SHOWN)
        .options(selectinload(Poll.meeting).selectinload(Meeting.partners))
    )
    return [
        WaitingPoll(poll, poll.meeting, done, asked, closing_day(poll))
        for poll, done, asked in db.session.execute(query)
    ]
