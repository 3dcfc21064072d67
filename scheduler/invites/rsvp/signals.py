"""``rsvp_answered.send(participant, answer=...)``: a participant's answer was stored, sent
inside the transaction after the flush (webhooks listen; the organizer's notice does not)."""

from blinker import Namespace

_signals = Namespace()
rsvp_answered = _signals.signal("rsvp-answered")
