"""The audit log's own entries for a poll's life: opened (the times, the people asked, the
closing date), closed (the time chosen) and withdrawn, beside the column changes the flush
records anyway. Answers are recorded where they are taken (`answers.record_answers`)."""

from scheduler.audit.services import record
from scheduler.extensions import db
from scheduler.meetings.services import participant_label
from scheduler.polls.models import Poll
from scheduler.polls.signals import poll_changed

ACTIONS = {"opened": "poll_opened", "closed": "poll_closed", "withdrawn": "poll_withdrawn"}


def _details(poll: Poll, change: str) -> dict:
    if change == "opened":
        return {
            "candidates": [None, [c.start_dt.isoformat() for c in poll.candidates]],
            "people": [None, [participant_label(i.participant) for i in poll.invitees]],
            "closes_at": [None, poll.closes_at.isoformat()],
        }
    if change == "closed" and poll.chosen is not None:
        return {"chosen": [None, poll.chosen.start_dt.isoformat()]}
    return {}


def _on_poll_changed(poll: Poll, change: str = "", **_details_sent) -> None:
    action = ACTIONS.get(change)
    if action is not None:
        record(db.session, action, poll, _details(poll, change))


def register_poll_audit(app) -> None:
    """Audit a poll's opening, closing and withdrawal (idempotent: tests build many apps)."""
    poll_changed.connect(_on_poll_changed, weak=False)
