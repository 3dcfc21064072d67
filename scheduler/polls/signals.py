"""The one place other code hears about polls: ``poll_changed.send(poll, change=...)`` with
change ``opened``, ``closed`` or ``withdrawn``, sent inside the transaction after the flush
(the mail to the people asked is queued by a receiver, `scheduler.polls.notices`)."""

from blinker import Namespace

_signals = Namespace()
poll_changed = _signals.signal("poll-changed")
