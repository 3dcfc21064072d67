"""What the outbox tells the rest of `invites` (which imports the outbox, never the reverse).

``message_failed.send(row)`` is sent inside the transaction that marks *row* failed for good;
scheduler/invites/failure_notices.py queues a notice to whoever should know.
"""

from blinker import Namespace

_signals = Namespace()
message_failed = _signals.signal("outbox-message-failed")
