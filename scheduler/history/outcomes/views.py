"""A meeting's outcome and minutes (thin views; the request boundary commits)."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db
from scheduler.history.markdown import render_markdown
from scheduler.history.outcomes import services as outcomes
from scheduler.history.outcomes.blueprint import bp, meeting_page, refuse
from scheduler.history.outcomes.forms import MARKDOWN_HELP, OutcomeForm
from scheduler.meetings.models import Meeting
from scheduler.security import roles_required
from scheduler.transaction import save

bp.add_app_template_filter(render_markdown, "markdown")


@bp.route("/meetings/<int:meeting_id>/outcome", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_outcome(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    if not outcomes.may_record_outcome(meeting):
        return refuse(meeting.id, outcomes.NOT_HELD)
    form = OutcomeForm(obj=meeting.outcome)
    if not form.validate_on_submit():
        return render_template(
            "history/outcomes/form.html", form=form, meeting=meeting, markdown_help=MARKDOWN_HELP
        ), 400 if form.errors else 200
    return save(
        lambda: outcomes.save_outcome(meeting, form.data, current_user),
        done=lambda _outcome: redirect(url_for("meetings.show_meeting", meeting_id=meeting.id)),
        again=lambda _error: meeting_page(meeting.id),
        message=_("The outcome has been saved."),
    )
