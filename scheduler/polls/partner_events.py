"""A partner's timeline shows its polls: when one was opened, closed on a time (which one)
or withdrawn. The partner's predecessors count, as for its exchange history."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from scheduler.audit.models import OTHER_ACTION_NAMES
from scheduler.extensions import db
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.partners.services import lineage_ids_query
from scheduler.polls.models import Poll, PollCandidate, PollStatus

SHOWN = 50
_LABELS = {
    "opened": OTHER_ACTION_NAMES["poll_opened"],
    PollStatus.CLOSED: OTHER_ACTION_NAMES["poll_closed"],
    PollStatus.WITHDRAWN: OTHER_ACTION_NAMES["poll_withdrawn"],
}


@dataclass(frozen=True)
class PollEvent:
    """One line of the timeline: what happened to a poll, when, and the time chosen."""

    at: datetime
    label: str
    poll: Poll
    chosen: PollCandidate | None = None


def partner_poll_events(partner) -> list[PollEvent]:
    """The events of the polls about *partner*'s meetings, newest first."""
    meetings = meeting_ids_with_partners(lineage_ids_query(partner.id))
    query = (
        sa.select(Poll)
        .where(Poll.meeting_id.in_(meetings))
        .order_by(Poll.created_at.desc(), Poll.id.desc())
        .limit(SHOWN)
        .options(selectinload(Poll.meeting), selectinload(Poll.candidates))
    )
    events = []
    for poll in db.session.scalars(query):
        events.append(PollEvent(poll.created_at, _LABELS["opened"], poll))
        if poll.status in _LABELS and poll.closed_at is not None:
            events.append(PollEvent(poll.closed_at, _LABELS[poll.status], poll, poll.chosen))
    return sorted(events, key=lambda e: (e.at, e.poll.id), reverse=True)
