"""Changes to what came of a meeting, for the search index and anyone else who listens.

``outcome_changed.send(meeting)`` is sent inside the transaction after an outcome, minutes,
decisions or attachments change is flushed.
"""

from blinker import Namespace

_signals = Namespace()
outcome_changed = _signals.signal("outcome-changed")
