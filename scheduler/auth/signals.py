"""What auth tells the layers above it (auth may not import the outbox that sends mail).

``login_backoff.send(user, failures=n, minutes=m)`` is sent inside the failed sign-in's
transaction, once per window, when *user*'s account enters its back-off
(scheduler/auth/throttle.py); scheduler/admin/notices.py mails the administrators.
"""

from blinker import Namespace

_signals = Namespace()
login_backoff = _signals.signal("login-backoff")
