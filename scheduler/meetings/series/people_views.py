"""Whole-series actions on the series page: confirm all, add a person to every meeting."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db
from scheduler.meetings.blueprint import bp
from scheduler.meetings.form_input import person_from
from scheduler.meetings.mailed import mailed_message
from scheduler.meetings.series.forms import participant_form_for
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.people import add_series_participant, confirm_series
from scheduler.meetings.services import MeetingError
from scheduler.security import roles_required


def _back(series: MeetingSeries):
    return redirect(url_for("meetings.show_series", series_id=series.id))


def _run(series: MeetingSeries, change, success):
    """Run *change*; flash ``success(its result)``. Not `save()`: a refusal goes back to the
    series page (303), not to a form again."""
    try:
        result = change()
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(series), 303
    flash(success(result), "success")
    return _back(series)


@bp.route("/series/<int:series_id>/confirm", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def confirm_whole_series(series_id):
    series = db.get_or_404(MeetingSeries, series_id)
    return _run(
        series, lambda: confirm_series(series), lambda n: mailed_message("confirm_series", n)
    )


@bp.route("/series/<int:series_id>/participants", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_participant_to_series(series_id):
    series = db.get_or_404(MeetingSeries, series_id)
    form = participant_form_for(series)
    person = person_from(form) if form and form.validate_on_submit() else None
    if not person or None in person.values():
        flash(_("Choose a person, or enter a valid e-mail address for a guest."), "error")
        return _back(series), 303

    def change():
        add_series_participant(series, form.role.data, form.override_reason.data, **person)

    return _run(series, change, lambda _n: _("The person has been added to every coming meeting."))
