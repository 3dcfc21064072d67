"""The one place other domains hear about meeting changes (invites, reminders, feeds).

``meeting_changed.send(meeting, change=..., participants_added=[...], participants_removed=[...])``
is sent inside the transaction, after the change is flushed (``deleted``: just before a
draft is deleted). A change of what a calendar
shows also carries ``before=`` (a `MeetingState` taken before the change), so a notice can
say what changed. A receiver may return the number of people it will e-mail about the
change; the sender adds those up (`mailed_count`) to tell staff, without importing them.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace

from scheduler.meetings.models import Meeting

_signals = Namespace()
meeting_changed = _signals.signal("meeting-changed")
# Asked (sender None) before a transaction ends: each receiver answers with the addresses
# (lower-case) it will e-mail at commit. A confirmation page runs the change, asks, and rolls
# back, so the list it shows is decided by the same code that sends (`meetings.preview`).
planned_mail = _signals.signal("planned-mail")


def meetings_of(sender, details: dict) -> list:
    """The meetings a `meeting_changed` signal is about: the sender, or a series' rows
    (including those the change removed), leaving out rows deleted meanwhile."""
    if isinstance(sender, Meeting):
        return [sender]
    meetings = list(details.get("meetings") or []) + list(details.get("removed") or [])
    return [m for m in meetings if not (sa.inspect(m).deleted or sa.inspect(m).detached)]


@dataclass(frozen=True)
class MeetingState:
    """What a change notice compares: a meeting's time, place, join details and status."""

    start_dt: datetime
    end_dt: datetime
    location_zh: str
    location_ko: str
    platform: str
    join_url: str
    meeting_code: str
    passcode: str
    status: str
    rule: object = None  # a series' recurrence rule, for a change of the whole series


def state_of(meeting: Meeting, rule=None) -> MeetingState:
    """*meeting*'s `MeetingState` as it is now (take it before changing the meeting); with
    *rule* (its series' rule) for a change of the whole series."""
    return MeetingState(
        meeting.start_dt,
        meeting.end_dt,
        meeting.location_zh or "",
        meeting.location_ko or "",
        meeting.platform or "",
        meeting.join_url or "",
        meeting.meeting_code or "",
        meeting.passcode or "",
        meeting.status,
        rule,
    )


def mailed_count(results) -> int:
    """The number of people the receivers of one `meeting_changed.send` said they will mail
    (*results* as `send` returns them: (receiver, value) pairs; other values are ignored)."""
    return sum(v for _r, v in results if isinstance(v, int) and not isinstance(v, bool))


def planned_addresses() -> set[str]:
    """The addresses the `planned_mail` receivers will e-mail when this transaction commits."""
    return {a for _r, value in planned_mail.send(None) if value for a in value}
