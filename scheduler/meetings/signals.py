"""The one place other domains hear about meeting changes (invites, reminders, feeds).

``meeting_changed.send(meeting, change=..., participants_added=[...], participants_removed=[...])``
is sent inside the transaction, after the change is flushed.
"""

import sqlalchemy as sa
from blinker import Namespace

from scheduler.meetings.models import Meeting

_signals = Namespace()
meeting_changed = _signals.signal("meeting-changed")


def meetings_of(sender, details: dict) -> list:
    """The meetings a `meeting_changed` signal is about: the sender, or a series' rows
    (including those the change removed), leaving out rows deleted meanwhile."""
    if isinstance(sender, Meeting):
        return [sender]
    meetings = list(details.get("meetings") or []) + list(details.get("removed") or [])
    return [m for m in meetings if not (sa.inspect(m).deleted or sa.inspect(m).detached)]
