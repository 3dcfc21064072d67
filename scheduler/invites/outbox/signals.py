"""What the outbox tells the rest of `invites` (which imports the outbox, never the reverse).

``message_failed.send(row, now=now)`` is sent inside the transaction that marks *row* failed
for good at *now*; scheduler/invites/failure_notices.py queues a notice, due at *now*, to
whoever should know.
"""

from blinker import Namespace

_signals = Namespace()
message_failed = _signals.signal("outbox-message-failed")
