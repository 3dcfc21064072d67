"""Series changes: create a series, and the actions of the series page (cancel one date,
change this and the following dates, change or cancel the whole series, confirm every
meeting), through the series services the pages use (the same checks, conflicts, audit
entries and invitations through the outbox).

Every change of a series needs If-Match with the ETag of the series as read (GET
/series/{id}); each answers the series as it is now, with its ETag. "This and the following"
is a POST of its own (…/occurrences/{id}/split), not a PATCH of the series: splitting ends
the series before that date and starts a new one (new id, new UID), so it creates a
resource (201 and its Location); from the first date it changes the series itself (200),
which is also what PATCH /series/{id} does.
"""

from flask import abort, url_for
from flask_login import current_user

from scheduler.api import write_schemas
from scheduler.api.conditional import IF_MATCH_DOC, MAX_ROW_ID
from scheduler.api.etags import locked, require_if_match, row_or_404, with_etag
from scheduler.api.idempotency.services import IDEMPOTENCY_DOC, idempotent
from scheduler.api.meeting_input import meeting_data, meeting_partners, person_of
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.read_schemas import SeriesSchema
from scheduler.api.series import series_json
from scheduler.api.series_input import following_data, following_rule, new_series_rule
from scheduler.api.series_schemas import SeriesChangeSchema, SeriesCreateSchema
from scheduler.api.writes import write_operation
from scheduler.extensions import db
from scheduler.meetings.models import Meeting
from scheduler.meetings.series import services
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.people import add_series_participant, confirm_series

bp = ApiBlueprint(
    "api_v1_series_writes", __name__, url_prefix="/api/v1", description="Series changes."
)


def series_change(schema):
    """Declare a change of an existing series: If-Match documented, write scope, *schema*'s
    body, the series answered (the route decorator goes above)."""

    def declare(view):
        view = bp.response(200, SeriesSchema)(view)
        view = bp.arguments(schema)(view)
        return bp.doc(**IF_MATCH_DOC)(write_operation(view))

    return declare


def series_answer(series: MeetingSeries, status: int = 200):
    """The series as it is now (its dates re-read in order), with its ETag; a new one
    (201) with its Location."""
    db.session.flush()
    db.session.expire(series, ["meetings"])
    body, status, headers = with_etag(series_json(series), status)
    if status == 201:
        url = url_for("api_v1_series.show_series", series_id=series.id, _external=True)
        headers["Location"] = url
    return body, status, headers


def matched_series(series_id: int) -> MeetingSeries:
    """The series to change, locked; 404, 428 or 412 (If-Match) refuse the change first."""
    series = locked(row_or_404(MeetingSeries, series_id))
    require_if_match(series_json(series))
    return series


def _occurrence(series_id: int, meeting_id: int) -> tuple[MeetingSeries, Meeting]:
    """The series (matched) and one of its dates; 404 for a meeting of another series."""
    series = locked(row_or_404(MeetingSeries, series_id))
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= MAX_ROW_ID else None
    if meeting is None or meeting.series_id != series.id:
        abort(404)
    require_if_match(series_json(series))
    return series, meeting


def _first(series: MeetingSeries) -> Meeting:
    """The first date: changing the series from there changes all of it."""
    return next(iter(series.meetings), None) or abort(404)


@bp.route("/series", methods=["POST"])
@bp.doc(**IDEMPOTENCY_DOC)
@write_operation
@idempotent
@bp.arguments(SeriesCreateSchema)
@bp.response(201, SeriesSchema)
def create_series(args: dict):
    """A new series of draft meetings and its people (conflicts at any date: 409 with the
    clashes; people's may be overridden with override_reason), as the series page makes it."""
    rule = new_series_rule(args)
    data = meeting_data(args)
    partners = meeting_partners(args.get("partners", []))
    rows = enumerate(args.get("participants", []))
    chosen = [(row["role"], person_of(row, f"participants.{i}")) for i, row in rows]
    reason = args.get("override_reason")
    series = services.create_series(current_user, rule, data, partners, reason)
    for role, person in chosen:
        add_series_participant(series, role, reason, **person)
    return series_answer(series, 201)


@bp.route("/series/<int:series_id>", methods=["PATCH"])
@series_change(SeriesChangeSchema)
def update_series(args: dict, series_id: int):
    """Change every meeting of the series (same UID): the fields sent, the rule if sent.
    Dates the new rule drops are cancelled; refused once a meeting has been held."""
    series = matched_series(series_id)
    return series_answer(_edit_following(args, series, _first(series)))


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/split", methods=["POST"])
@series_change(SeriesChangeSchema)
@bp.alt_response(201, schema=SeriesSchema, description="A new series, from the date split on")
def split_series(args: dict, series_id: int, meeting_id: int):
    """Change this date and the following ones: the series ends before it and a new series
    (201, Location) holds the changed dates; from the first date, the series itself (200)."""
    series, meeting = _occurrence(series_id, meeting_id)
    target = _edit_following(args, series, meeting)
    db.session.expire(series, ["meetings"])
    return series_answer(target, 200 if target.id == series.id else 201)


def _edit_following(args: dict, series: MeetingSeries, meeting: Meeting) -> MeetingSeries:
    rule = following_rule(args, series, meeting)
    data, partners = following_data(args, meeting)
    reason = args.get("override_reason")
    return services.edit_following(meeting, rule, data, partners, reason)


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/cancel", methods=["POST"])
@series_change(write_schemas.ReasonSchema)
def cancel_occurrence(args: dict, series_id: int, meeting_id: int):
    """Cancel this date alone, with the reason the invited people are told (the others
    stay; calendars get it as an excluded date of the series)."""
    series, meeting = _occurrence(series_id, meeting_id)
    services.cancel_occurrence(meeting, args["reason"])
    return series_answer(series)


@bp.route("/series/<int:series_id>/cancel", methods=["POST"])
@series_change(write_schemas.ReasonSchema)
def cancel_series(args: dict, series_id: int):
    """Cancel every meeting of the series, with the reason the invited people are told."""
    series = matched_series(series_id)
    services.cancel_following(_first(series), args["reason"])
    return series_answer(series)


@bp.route("/series/<int:series_id>/confirm", methods=["POST"])
@series_change(write_schemas.NoFieldsSchema)
def confirm_series_meetings(_args: dict, series_id: int):
    """Confirm every draft, tentative or postponed meeting: one invitation for the whole
    series to everyone with an e-mail address, in their language."""
    series = matched_series(series_id)
    confirm_series(series)
    return series_answer(series)
