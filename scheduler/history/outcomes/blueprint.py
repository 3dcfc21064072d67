"""The ``outcomes`` blueprint: a meeting's outcome (`outcomes.views`) and its attachments
(`attachments.views`) register their routes on it, and both answer a refusal the same way.

It lives apart from its view modules so that neither imports the other;
`scheduler.history.blueprints` imports them both before the app registers the blueprint.
"""

from flask import Blueprint, current_app, flash

from scheduler.extensions import db

bp = Blueprint("outcomes", __name__)
# The meeting page is the form's page: a refusal shows it again, answered by its own view
# (looked up by endpoint, so no module here imports the meetings package's view module).
MEETING_PAGE = "meetings.show_meeting"


def meeting_page(meeting_id: int):
    """The meeting page as its own view renders it (for a refusal's answer)."""
    return current_app.view_functions[MEETING_PAGE](meeting_id)


def refuse(meeting_id: int, message, status: int = 400):
    """The meeting page again with the reason; nothing was changed."""
    db.session.rollback()
    flash(str(message), "error")
    return meeting_page(meeting_id), status
