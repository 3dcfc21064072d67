"""What the meeting page shows of a meeting's polls: the latest one with its grid, ranking,
who has not answered and each time's warnings (the slot finder's checks)."""

from dataclasses import dataclass

from scheduler.extensions import db
from scheduler.i18n import viewer_zone
from scheduler.polls import grid
from scheduler.polls.models import Poll
from scheduler.polls.services import closing_day
from scheduler.sides import other_side_zone
from scheduler.slots.warnings import meeting_people, texts, warnings_for
from scheduler.timefmt import dual_clock


@dataclass(frozen=True)
class Panel:
    """The latest poll of a meeting, ready for the page."""

    poll: Poll
    tallies: list
    rows: list
    waiting: list[str]
    warnings: dict  # candidate id → the warnings' texts
    closes_on: object


def candidate_warnings(meeting, start, end) -> list[str]:
    """The slot finder's warnings for [start, end) with the meeting's people (the holds of
    other meetings' polls included, never its own), worded for the current reader."""
    return texts(warnings_for(start, end, meeting_people(meeting), exclude=meeting.id))


def poll_time(start, end) -> str:
    """A candidate time on the viewer's clock and on the other side's."""
    own = viewer_zone()
    return dual_clock(start, own, other_side_zone(own), end=end)


def latest_poll(meeting) -> Poll | None:
    """The meeting's most recent poll (open, closed or withdrawn)."""
    query = db.select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.id.desc())
    return db.session.scalars(query.limit(1)).first()


def meeting_poll_panel(meeting) -> Panel | None:
    """The panel for *meeting*'s latest poll; None when it has never had one."""
    poll = latest_poll(meeting)
    if poll is None:
        return None
    warnings = {}
    if poll.status == "open":
        for c in poll.candidates:
            warnings[c.id] = candidate_warnings(meeting, c.start_dt, c.end_dt)
    return Panel(
        poll,
        grid.tallies(poll),
        grid.rows(poll),
        grid.not_answered(poll),
        warnings,
        closing_day(poll),
    )
