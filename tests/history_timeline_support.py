"""Builders for the history timeline, statistics and export tests: meetings in the past with
a status, partners, participants and an outcome, inserted directly (fast, no invites)."""

from datetime import UTC, datetime, timedelta

from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.meetings.models import Meeting, Participant
from scheduler.partners.services import get_partner


def add_meeting(organizer, start: datetime, partners=("seoul",), kind="video_link",
                status="held", outcome=None, contacts=(), **fields) -> Meeting:  # fmt: skip
    """One meeting of 90 minutes from *start* (aware), flushed; *outcome* = (zh, ko)."""
    meeting = Meeting(
        kind=kind, status=status, start_dt=start, end_dt=start + timedelta(minutes=90),
        title_zh=fields.pop("title_zh", f"视频连线 {start:%Y-%m-%d}"),
        title_ko=fields.pop("title_ko", f"화상회의 {start:%Y-%m-%d}"),
        timezone="Asia/Shanghai", organizer=organizer,
        partners=[get_partner(slug) for slug in partners], **fields,
    )  # fmt: skip
    meeting.participants = [Participant(user=organizer, role="host")]
    meeting.participants += [Participant(contact=c) for c in contacts]
    db.session.add(meeting)
    if outcome:
        summary_zh, summary_ko = outcome
        decisions = "签署合作备忘录"
        db.session.add(MeetingOutcome(meeting=meeting, summary_zh=summary_zh,
                                      summary_ko=summary_ko, decisions=decisions))  # fmt: skip
    db.session.flush()
    return meeting


def add_follow_up(meeting: Meeting, owner, status="open", due=None) -> FollowUp:
    follow_up = FollowUp(meeting=meeting, owner=owner, title="跟进", status=status,
                         due_date=due or meeting.start_dt.date() + timedelta(days=30))  # fmt: skip
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def at(year, month=6, day=15, hour=2) -> datetime:
    """An instant in UTC (02:00 UTC = 10:00 in Changchun)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


class StatementCounter:
    """Counts the SQL statements sent while it is active (``with counter: ...``)."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args, **_kwargs):
        self.count += 1

    def __enter__(self):
        import sqlalchemy as sa

        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._count)
