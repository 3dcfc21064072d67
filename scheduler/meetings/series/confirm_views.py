"""Confirmation pages of a series (issue 12, item 5): cancelling one date, this and the
following dates or the whole series, and confirming every meeting, each first shows who will
be e-mailed; the button posts to the action (`views.cancel_occurrences`,
`people_views.confirm_whole_series`)."""

from flask import abort, request, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db
from scheduler.meetings.blueprint import bp
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.preview import Ask, confirmation_page
from scheduler.meetings.series.confirmations import cancel_page, series_participants
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.people import confirm_series
from scheduler.security import roles_required


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/cancel", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_occurrence_cancel(series_id, meeting_id):
    series = db.get_or_404(MeetingSeries, series_id)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id != series.id:
        abort(404)
    scope = "following" if request.args.get("scope") == "following" else "one"
    return cancel_page(series, meeting, scope)


@bp.route("/series/<int:series_id>/cancel", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_series_cancel(series_id):
    """The whole series: this and the following from its first meeting."""
    series = db.get_or_404(MeetingSeries, series_id)
    first = next(iter(series.meetings), None) or abort(404)
    return cancel_page(series, first, "whole")


@bp.route("/series/<int:series_id>/confirm", methods=["GET"])
@roles_required(*EDITOR_ROLES)
def confirm_series_page(series_id):
    series = db.get_or_404(MeetingSeries, series_id)
    first = (
        next((m for m in series.meetings if m.status != MeetingStatus.CANCELLED), None)
        or next(iter(series.meetings), None)
        or abort(404)
    )
    post_url = url_for("meetings.confirm_whole_series", series_id=series.id)
    back = url_for("meetings.show_series", series_id=series.id)
    ask = Ask(
        _("Confirm every meeting of this series?"), _("Confirm every meeting"), post_url, back
    )
    change = lambda: confirm_series(series)  # noqa: E731
    return confirmation_page(ask, first, change, series_participants(series))
