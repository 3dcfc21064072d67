"""From a domain signal to delivery rows, in the transaction of the change.

The listeners only note what happened (``session.info``); just before the transaction
commits, each noted event becomes one `WebhookDelivery` per active endpoint that asked for
it, its body made from the final state. So several signals about one meeting in one change
(a reschedule is "updated" then "rescheduled") are one event, a rolled-back change leaves
nothing, and the rows commit with the change or not at all.
"""

import json
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler.api.representations import utc_text
from scheduler.api.webhooks import payloads
from scheduler.api.webhooks.models import WebhookDelivery, WebhookEndpoint
from scheduler.db import now_utc
from scheduler.invites.rsvp.signals import rsvp_answered
from scheduler.meetings.models import MeetingStatus
from scheduler.meetings.signals import meeting_changed, meetings_of
from scheduler.polls.signals import poll_changed
from scheduler.visits.signals import visit_changed

PENDING = "webhook_events"
# `meeting_changed` changes that can leave a meeting cancelled (a series' rows included).
CANCELLING = frozenset({"cancelled", "series_cancelled", "series_truncated", "series_split"})


def _note(event_type: str, obj, make_data) -> None:
    """Remember *event_type* about *obj*; the last note of the same event about it wins."""
    session = Session.object_session(obj)
    if session is not None:  # a signal about an object no session holds changes nothing
        pending = session.info.setdefault(PENDING, {})
        pending[(event_type, type(obj).__name__, id(obj))] = (event_type, obj, make_data)


def _meeting_event(meeting, change: str) -> str:
    if change in CANCELLING and meeting.status == MeetingStatus.CANCELLED:
        return "meeting.cancelled"
    if change == "confirmed" or (change == "created" and meeting.status == MeetingStatus.CONFIRMED):
        return "meeting.confirmed"
    return "meeting.changed"


def on_meeting_changed(sender, change: str = "", **details) -> None:
    """`meeting_changed`: one event per meeting the change is about."""
    for meeting in meetings_of(sender, details):
        _note(_meeting_event(meeting, change), meeting, payloads.meeting_data)


def on_rsvp_answered(participant, answer: str = "", **_details) -> None:
    """`rsvp_answered`: the participant's answer."""
    _note("rsvp.answered", participant, lambda p: payloads.rsvp_data(p, answer))


def on_visit_changed(visit, **_details) -> None:
    """`visit_changed`: the visit as it stands at commit."""
    _note("visit.changed", visit, payloads.visit_data)


def on_poll_changed(poll, change: str = "", **_details) -> None:
    """`poll_changed`: only a poll closed with a time chosen is an event."""
    if change == "closed":
        _note("poll.closed", poll, payloads.poll_data)


def _gone(obj) -> bool:
    state = sa.inspect(obj)
    return state.deleted or state.detached or state.was_deleted


def _write_pending(session) -> None:
    """before_commit: one delivery per noted event and subscribed active endpoint."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    endpoints = list(session.scalars(sa.select(WebhookEndpoint).where(WebhookEndpoint.active)))
    now = now_utc()
    for event_type, obj, make_data in pending.values():
        targets = [e for e in endpoints if event_type in e.event_list]
        if not targets or _gone(obj):
            continue
        data = make_data(obj)
        for endpoint in targets:
            event_id = str(uuid.uuid4())
            body = {"id": event_id, "type": event_type, "occurred_at": utc_text(now), "data": data}
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            session.add(
                WebhookDelivery(uuid=event_id, endpoint=endpoint, event_type=event_type, body=text)
            )
    session.flush()


def _forget(session, *_args) -> None:
    session.info.pop(PENDING, None)


def register_webhook_listeners(_app) -> None:
    """Connect the signal listeners and the session hooks (idempotent: tests build many apps)."""
    meeting_changed.connect(on_meeting_changed, weak=False)
    rsvp_answered.connect(on_rsvp_answered, weak=False)
    visit_changed.connect(on_visit_changed, weak=False)
    poll_changed.connect(on_poll_changed, weak=False)
    for name in ("after_commit", "after_soft_rollback"):
        if not sa.event.contains(Session, name, _forget):
            sa.event.listen(Session, name, _forget)
    if not sa.event.contains(Session, "before_commit", _write_pending):
        sa.event.listen(Session, "before_commit", _write_pending)
