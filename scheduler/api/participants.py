"""Who takes part in a meeting: read one, add (409 when they already take part, or for a
clash), remove; through the services of the meeting page (invitation or cancellation by
e-mail as there)."""

from flask import abort, url_for
from flask_login import current_user

from scheduler.api import schemas, write_schemas
from scheduler.api.conditional import MAX_ROW_ID
from scheduler.api.idempotency.services import IDEMPOTENCY_DOC, idempotent
from scheduler.api.meeting_input import person_of
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.representations import participant_json
from scheduler.api.writes import write_operation
from scheduler.errors import child_or_404
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant

bp = ApiBlueprint(
    "api_v1_participants", __name__, url_prefix="/api/v1", description="Meeting participants."
)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= MAX_ROW_ID else None
    return meeting or abort(404)


def _participant(meeting_id: int, participant_id: int) -> Participant:
    return child_or_404(_meeting(meeting_id).participants, participant_id)


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>")
@bp.response(200, schemas.PersonSchema)
def show_participant(meeting_id: int, participant_id: int):
    """One participant of the meeting."""
    return participant_json(_participant(meeting_id, participant_id), current_user)


@bp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@bp.doc(**IDEMPOTENCY_DOC)
@write_operation
@idempotent
@bp.arguments(write_schemas.ParticipantAddSchema)
@bp.response(201, schemas.PersonSchema)
def add_participant(args: dict, meeting_id: int):
    """Add a user, a contact or a guest: they get the invitation if the meeting was sent."""
    meeting = _meeting(meeting_id)
    person = person_of(args, "person")
    added = services.add_participant(meeting, args["role"], args.get("override_reason"), **person)
    location = url_for(
        "api_v1_participants.show_participant",
        meeting_id=meeting.id,
        participant_id=added.id,
        _external=True,
    )
    return participant_json(added, current_user), 201, {"Location": location}


@bp.route("/meetings/<int:meeting_id>/participants/<int:participant_id>", methods=["DELETE"])
@write_operation
@bp.response(204)
def remove_participant(meeting_id: int, participant_id: int):
    """Take someone off the meeting: they get a cancellation if they had been invited."""
    meeting = _meeting(meeting_id)
    services.remove_participant(meeting, child_or_404(meeting.participants, participant_id))
    return ""
