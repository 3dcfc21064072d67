"""Whole-series actions on the series page: confirm all, add a person to every meeting."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings import queries
from scheduler.meetings.forms import ParticipantForm
from scheduler.meetings.series_models import MeetingSeries
from scheduler.meetings.series_people import add_series_participant, confirm_series
from scheduler.meetings.services import MeetingError
from scheduler.meetings.views import _person_from, bp
from scheduler.security import roles_required


def participant_form_for(series: MeetingSeries) -> ParticipantForm | None:
    """The add-a-person form, offering the staff and the contacts of the series' partners."""
    if not series.meetings:
        return None
    form = ParticipantForm()
    form.person.choices = queries.people_choices(series.meetings[0], current_language())
    return form


def _back(series: MeetingSeries):
    return redirect(url_for("meetings.show_series", series_id=series.id))


def _run(series: MeetingSeries, change, success: str):
    try:
        change()
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(series), 303
    db.session.commit()
    flash(success, "success")
    return _back(series)


@bp.route("/series/<int:series_id>/confirm", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def confirm_whole_series(series_id):
    series = db.get_or_404(MeetingSeries, series_id)
    return _run(series, lambda: confirm_series(series), _("The meetings have been confirmed."))


@bp.route("/series/<int:series_id>/participants", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def add_participant_to_series(series_id):
    series = db.get_or_404(MeetingSeries, series_id)
    form = participant_form_for(series)
    person = _person_from(form) if form and form.validate_on_submit() else None
    if not person or None in person.values():
        flash(_("Choose a person, or enter a valid e-mail address for a guest."), "error")
        return _back(series), 303

    def change():
        add_series_participant(series, form.role.data, form.override_reason.data, **person)

    return _run(series, change, _("The person has been added to every coming meeting."))
