"""The one place other domains hear about meeting changes (invites, reminders, feeds).

``meeting_changed.send(meeting, change=..., participants_added=[...], participants_removed=[...])``
is sent inside the transaction, after the change is flushed.
"""

from blinker import Namespace

_signals = Namespace()
meeting_changed = _signals.signal("meeting-changed")
