"""Recurring-meeting pages on the `meetings` blueprint: create (with a preview), the series
page with per-occurrence holiday and conflict flags, "this and following", cancellations."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.db import now_utc
from scheduler.errors import StaleEdit
from scheduler.extensions import db
from scheduler.meetings.blueprint import bp
from scheduler.meetings.form_input import form_data, prepare, read_times, selected_partners
from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.mailed import mailed_message
from scheduler.meetings.models import Meeting, MeetingStatus, Room
from scheduler.meetings.preview import participant_with_partner
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.confirmations import cancel_page
from scheduler.meetings.series.forms import SeriesForm, participant_form_for
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import Rule, anchored, expand
from scheduler.meetings.series.summary import conflict_flags, describe, holiday_flags
from scheduler.meetings.versions import (
    check_version,
    form_differences,
    stale_page,
    status_difference,
)
from scheduler.security import roles_required
from scheduler.timefmt import to_local_naive
from scheduler.transaction import save


def _preview_rows(form: SeriesForm, rule: Rule) -> list[dict]:
    """The occurrences the form would create, flagged, without saving anything."""
    occurrences = expand(anchored(rule))
    room = db.session.get(Room, form.room_id.data) if form.room_id.data else None
    with db.session.no_autoflush:
        drafts = [
            Meeting(
                start_dt=o.start,
                end_dt=o.end,
                room=room,
                status=MeetingStatus.DRAFT,
                room_id=room.id if room else None,
            )
            for o in occurrences
        ]
        conflicts = conflict_flags(drafts)
        for draft in drafts:  # keep the session clean of these stand-ins
            if draft in db.session:
                db.session.expunge(draft)
    holidays = holiday_flags([o.start for o in occurrences])
    return [
        {"meeting": d, "holidays": h, "conflicts": c}
        for d, h, c in zip(drafts, holidays, conflicts, strict=True)
    ]


def _read_rule(form: SeriesForm) -> Rule | None:
    """The rule of the form, or None with the problem shown beside the start field."""
    times = read_times(form)
    if times is None:
        return None
    minutes = int((times["end_dt"] - times["start_dt"]).total_seconds() // 60)
    if minutes <= 0:
        form.end_local.errors.append(_("The end must be after the start."))
        return None
    return form.rule(form.start_local.data, minutes)


def _render_form(form, preview=None, conflicts=None, status=200, series=None, meeting=None):
    """The series form: a new series, or "this and the following" of *series* from *meeting*."""
    page = render_template(
        "meetings/series/form.html",
        form=form,
        preview=preview,
        conflicts=conflicts or [],
        series=series,
        meeting=meeting,
    )
    return page, status


def _again(render):
    """What `save` answers on a refusal: the form again, with the clashes when there are any."""
    return lambda error: render(conflicts=error.conflicts)[0]


def _create(form: SeriesForm, rule: Rule) -> MeetingSeries:
    data = form_data(form, {})
    return series_services.create_series(
        current_user, rule, data, selected_partners(form), form.override_reason.data
    )


def _created(series: MeetingSeries):
    if series.meetings and series.meetings[0].start_dt < now_utc():
        flash(_("This series starts in the past; its meetings are recorded as history."), "warning")
    flash(_("The recurring meeting has been saved."), "success")
    return redirect(url_for("meetings.show_series", series_id=series.id))


@bp.route("/series/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_series():
    form = SeriesForm()
    prepare(form)
    form.set_choices()
    if not form.validate_on_submit():
        return _render_form(form, status=400 if form.errors else 200)
    rule = _read_rule(form)
    if rule is None:
        return _render_form(form, status=400)
    again = _again(lambda **page: _render_form(form, **page))
    if "preview" in request.form:  # saves nothing: _preview_rows expunges its drafts
        return save(
            lambda: _preview_rows(form, rule), lambda rows: _render_form(form, preview=rows), again
        )
    return save(lambda: _create(form, rule), _created, again)


def _series_or_404(series_id: int) -> MeetingSeries:
    return db.get_or_404(MeetingSeries, series_id)


def _occurrence_or_404(series: MeetingSeries, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id != series.id:
        abort(404)
    return meeting


def invitees(meetings: list[Meeting]) -> list[str]:
    """Everyone taking part in a meeting of the series that is not cancelled, once each,
    as ``name · partner`` in the reader's script (the series page's "Invited" list)."""
    seen, result = set(), []
    for meeting in meetings:
        if meeting.status == MeetingStatus.CANCELLED:
            continue
        for p in meeting.participants:
            key = (p.user_id, p.contact_id, p.guest_email)
            if key not in seen:
                seen.add(key)
                result.append(participant_with_partner(p))
    return result


def _series_page(series: MeetingSeries, status: int = 200):
    meetings = list(series.meetings)
    rows = zip(
        meetings,
        holiday_flags([m.start_dt for m in meetings]),
        conflict_flags(meetings),
        strict=True,
    )
    return render_template(
        "meetings/series/detail.html",
        series=series,
        description=describe(series.rule),
        rows=[{"meeting": m, "holidays": h, "conflicts": c} for m, h, c in rows],
        reason_form=ReasonForm(),
        split_from=series.split_from,
        participant_form=participant_form_for(series),
        invitees=invitees(meetings),
    ), status


@bp.route("/series/<int:series_id>")
def show_series(series_id):
    return _series_page(_series_or_404(series_id))


def _following_form(series: MeetingSeries, meeting: Meeting) -> SeriesForm:
    form = SeriesForm(obj=meeting)
    prepare(form, meeting.room_id)
    form.set_choices()
    if request.method == "GET":
        form.partners.data = [p.id for p in meeting.partners]
        form.start_local.data = to_local_naive(meeting.start_dt, meeting.timezone)
        form.end_local.data = to_local_naive(meeting.end_dt, meeting.timezone)
        form.room_id.data, form.host_side.data = meeting.room_id or 0, meeting.host_side or ""
        form.fill_from_rule(series.rule)
        earlier = sum(1 for m in series.meetings if m.recurrence_start < meeting.recurrence_start)
        if series.occurrence_count:
            form.count.data = series.occurrence_count - earlier
    return form


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/following", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_following(series_id, meeting_id):
    series = _series_or_404(series_id)
    meeting = _occurrence_or_404(series, meeting_id)
    form = _following_form(series, meeting)

    def render(**page):
        return _render_form(form, series=series, meeting=meeting, **page)

    if not form.validate_on_submit():
        return render(status=400 if form.errors else 200)
    rule = _read_rule(form)
    if rule is None:
        return render(status=400)

    def change():
        check_version(meeting, request.form.get("version"))
        data = form_data(form, {})
        return series_services.edit_following(
            meeting, rule, data, selected_partners(form), form.override_reason.data
        )

    def again(error):
        if not isinstance(error, StaleEdit):
            return _again(render)(error)
        rows = form_differences(form, meeting, form_data(form, {}), form.partners.data or [])
        return stale_page(meeting, rows, request.path)

    return save(
        change,
        lambda target: redirect(url_for("meetings.show_series", series_id=target.id)),
        again,
        _("This and the following meetings have been changed."),
    )


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/cancel", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def cancel_occurrences(series_id, meeting_id):
    series = _series_or_404(series_id)
    meeting = _occurrence_or_404(series, meeting_id)
    form = ReasonForm()
    following = request.form.get("scope") == "following"
    if not form.validate_on_submit():  # the confirmation page again, the reason marked
        flash(_("Please give a reason."), "error")
        page, _status = cancel_page(series, meeting, "following" if following else "one", form)
        return page, 400
    cancel = series_services.cancel_following if following else series_services.cancel_occurrence

    def change():
        check_version(meeting, request.form.get("version"))
        return cancel(meeting, form.reason.data)

    def again(error):
        if isinstance(error, StaleEdit):
            saved = db.session.get(Meeting, meeting_id)
            back = url_for("meetings.show_series", series_id=series_id)
            return stale_page(saved, status_difference(saved, MeetingStatus.CANCELLED), back)
        return _series_page(db.session.get(MeetingSeries, series_id))[0]

    def done(mailed):
        flash(mailed_message("cancel_following" if following else "cancel", mailed), "success")
        return redirect(url_for("meetings.show_series", series_id=series.id))

    return save(change, done, again)
