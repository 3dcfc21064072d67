"""Meeting changes: create, update, confirm, make tentative, postpone, cancel, through the
services the meeting pages use (the same checks, conflicts, audit entries and invitations).

Every change of an existing meeting needs If-Match with the meeting's current ETag
(`scheduler.api.conditional`); every answer carries the meeting as it is now and its ETag.
"""

from flask import abort, url_for
from flask_login import current_user

from scheduler.api import schemas, write_schemas
from scheduler.api.conditional import IF_MATCH_DOC, MAX_ROW_ID, etag_of, if_match_problem
from scheduler.api.idempotency.services import IDEMPOTENCY_DOC, idempotent
from scheduler.api.meeting_input import (
    lock_meeting,
    meeting_data,
    meeting_partners,
    person_of,
)
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.representations import meeting_json
from scheduler.api.writes import write_operation
from scheduler.meetings import services
from scheduler.meetings.models import Meeting

bp = ApiBlueprint(
    "api_v1_meeting_writes", __name__, url_prefix="/api/v1", description="Meeting changes."
)


def meeting_answer(meeting: Meeting, status: int = 200, headers=None):
    """The meeting as the caller sees it now, with its ETag."""
    body = meeting_json(meeting, current_user)
    return body, status, {"ETag": etag_of(body), **(headers or {})}


def matched_meeting(meeting_id: int) -> Meeting:
    """The meeting to change, locked; 404, 428 or 412 (If-Match) refuse the change first."""
    meeting = lock_meeting(meeting_id) if meeting_id <= MAX_ROW_ID else None
    if meeting is None:
        abort(404)
    refusal = if_match_problem(etag_of(meeting_json(meeting, current_user)))
    if refusal:
        abort(refusal)
    return meeting


@bp.route("/meetings", methods=["POST"])
@bp.doc(**IDEMPOTENCY_DOC)
@write_operation
@idempotent
@bp.arguments(write_schemas.MeetingCreateSchema)
@bp.response(201, schemas.MeetingSchema)
def create_meeting(args: dict):
    """A new draft meeting with its people (conflicts: 409 with the clashes; people's
    clashes may be overridden with override_reason, an interpreter's or a room's never)."""
    data = meeting_data(args)
    partners = meeting_partners(args.get("partners", []))
    rows = enumerate(args.get("participants", []))
    chosen = [(row["role"], person_of(row, f"participants.{i}")) for i, row in rows]
    reason = args.get("override_reason")
    meeting = services.create_meeting(current_user, data, partners, reason)
    for role, person in chosen:
        services.add_participant(meeting, role, reason, **person)
    location = url_for("api_v1_meetings.show_meeting", meeting_id=meeting.id, _external=True)
    return meeting_answer(meeting, 201, {"Location": location})


@bp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(write_schemas.MeetingChangeSchema)
@bp.response(200, schemas.MeetingSchema)
def update_meeting(args: dict, meeting_id: int):
    """Change the fields sent; a new time or room is checked for clashes (409)."""
    meeting = matched_meeting(meeting_id)
    data = meeting_data(args, meeting)
    partners = meeting_partners(args.get("partners"), meeting)
    services.update_meeting(meeting, data, partners, args.get("override_reason"))
    return meeting_answer(meeting)


def _status_change(meeting_id: int, change):
    meeting = matched_meeting(meeting_id)
    change(meeting)
    return meeting_answer(meeting)


@bp.route("/meetings/<int:meeting_id>/confirm", methods=["POST"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(write_schemas.NoFieldsSchema)
@bp.response(200, schemas.MeetingSchema)
def confirm_meeting(_args: dict, meeting_id: int):
    """Confirm: everyone with an e-mail address gets the invitation in their language."""
    return _status_change(meeting_id, services.confirm)


@bp.route("/meetings/<int:meeting_id>/tentative", methods=["POST"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(write_schemas.NoFieldsSchema)
@bp.response(200, schemas.MeetingSchema)
def make_tentative(_args: dict, meeting_id: int):
    """Mark tentative (the time is not final): invitations go out as for confirming."""
    return _status_change(meeting_id, services.make_tentative)


@bp.route("/meetings/<int:meeting_id>/postpone", methods=["POST"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(write_schemas.ReasonSchema)
@bp.response(200, schemas.MeetingSchema)
def postpone_meeting(args: dict, meeting_id: int):
    """Postpone, with the reason the invited people are told."""
    return _status_change(meeting_id, lambda m: services.postpone(m, args["reason"]))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(write_schemas.ReasonSchema)
@bp.response(200, schemas.MeetingSchema)
def cancel_meeting(args: dict, meeting_id: int):
    """Cancel, with the reason the invited people are told."""
    return _status_change(meeting_id, lambda m: services.cancel(m, args["reason"]))
