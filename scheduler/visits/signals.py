"""``visit_changed.send(visit, change=...)`` with change ``created``, ``updated`` or
``delegation``: a visit or its delegation changed, sent inside the transaction after the
flush (its itinerary's meetings send `meeting_changed` themselves)."""

from blinker import Namespace

_signals = Namespace()
visit_changed = _signals.signal("visit-changed")
