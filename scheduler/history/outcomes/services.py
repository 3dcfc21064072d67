"""Recording what came of a held meeting. Services flush; the view commits."""

from flask_babel import lazy_gettext as _l

from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.signals import outcome_changed
from scheduler.meetings.models import MeetingStatus

OUTCOME_FIELDS = ("summary_zh", "summary_ko", "minutes", "decisions")
NOT_HELD = _l("An outcome can be recorded only once the meeting has been held.")


class OutcomeError(UserError):
    """An outcome that cannot be recorded, with a translated message."""


def may_record_outcome(meeting) -> bool:
    """An outcome belongs to a meeting that has been held."""
    return meeting.status == MeetingStatus.HELD


def save_outcome(meeting, data: dict, user) -> MeetingOutcome:
    """Create or update *meeting*'s outcome from *data* (flushes; every edit is audited)."""
    if not may_record_outcome(meeting):
        raise OutcomeError(NOT_HELD)
    outcome = meeting.outcome
    if outcome is None:
        outcome = MeetingOutcome(meeting=meeting)
        db.session.add(outcome)
    for name in OUTCOME_FIELDS:
        setattr(outcome, name, data.get(name) or "")
    outcome.updated_by = user
    db.session.flush()
    outcome_changed.send(meeting)
    return outcome
