"""The meeting for a partner's own calendar, from their RSVP link (no login).

Under /rsvp/ but apart from the RSVP package: it builds the calendar as an invitation does
(`scheduler.invites.invites`), which itself uses the RSVP links.
"""

from flask import Blueprint, Response, render_template
from flask_babel import force_locale

from scheduler.invites.invites import current_calendar
from scheduler.invites.rsvp.services import RSVPError, read_token, reader_of
from scheduler.security import public

bp = Blueprint("rsvp_calendar", __name__, url_prefix="/rsvp")


@bp.route("/<token>/invite.ics")
@public
def download(token: str):
    """The meeting as it stands now (a lost or deleted invitation can be added again);
    the same link rules as the answer page."""
    try:
        claim = read_token(token)
    except RSVPError as error:
        return render_template("invites/rsvp/invalid.html", message=error.message), error.status
    reader = reader_of(claim.participant)
    with force_locale(reader.language):
        body = current_calendar(claim.participant, reader)
    headers = {"Content-Disposition": 'attachment; filename="invite.ics"'}
    return Response(body, mimetype="text/calendar", headers=headers)
