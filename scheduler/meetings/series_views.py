"""Recurring-meeting pages on the `meetings` blueprint: create (with a preview), the series
page with per-occurrence holiday and conflict flags, "this and following", cancellations."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.availability.calendars import day_info, name_in
from scheduler.availability.services import load_overrides
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings import series as series_services
from scheduler.meetings.conflicts import find_conflicts
from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.models import Meeting, Room
from scheduler.meetings.recurrence import RecurrenceError, Rule, anchored, expand
from scheduler.meetings.series_forms import NTH_LABELS, SeriesForm, weekday_names
from scheduler.meetings.series_models import MeetingSeries
from scheduler.meetings.services import MeetingError, participant_label
from scheduler.meetings.views import (
    _form_data,
    _prepare,
    _read_times,
    _selected_partners,
    bp,
)
from scheduler.security import roles_required
from scheduler.timefmt import to_local_naive

SIDES = (("CN", "Asia/Shanghai"), ("KR", "Asia/Seoul"))


def _pattern(rule: Rule) -> str:
    """The repeat pattern; an interval of 1 gets its own sentence ("every week", not "every 1")."""
    n, once = rule.interval, rule.interval == 1
    if rule.freq == "weekly":
        names = weekday_names()
        days = ", ".join(names[code] for code in rule.weekdays)
        if once:
            return _("Every week on %(days)s", days=days)
        return _("Every %(num)d weeks on %(days)s", num=n, days=days)
    if rule.month_day == -1:
        if once:
            return _("Every month on the last day")
        return _("Every %(num)d months on the last day", num=n)
    if rule.month_day is not None:
        if once:
            return _("Every month on day %(day)d", day=rule.month_day)
        return _("Every %(num)d months on day %(day)d", num=n, day=rule.month_day)
    nth, weekday = NTH_LABELS[rule.week_of_month], weekday_names()[rule.weekdays[0]]
    if once:
        return _("Every month on the %(nth)s %(weekday)s", nth=nth, weekday=weekday)
    return _("Every %(num)d months on the %(nth)s %(weekday)s", num=n, nth=nth, weekday=weekday)


def describe(rule: Rule) -> str:
    """The rule in a sentence of the viewer's language."""
    pattern = _pattern(rule)
    if rule.count is not None:
        end = ngettext("%(num)d meeting", "%(num)d meetings", rule.count)
    else:
        end = _("until %(date)s", date=format_date(rule.until, "medium"))
    return _("%(pattern)s, %(end)s", pattern=pattern, end=end)


def _day_label(country: str, name: str) -> str:
    return _("China: %(name)s", name=name) if country == "CN" else _("Korea: %(name)s", name=name)


def holiday_flags(starts: list[datetime]) -> list[list[str]]:
    """For each start: the non-working days it falls on, on each side's own calendar."""
    if not starts:
        return []
    lang, flags = current_language(), [[] for _start in starts]
    for country, zone in SIDES:
        days = [start.astimezone(ZoneInfo(zone)).date() for start in starts]
        overrides = load_overrides(country, min(days), max(days))
        for index, day in enumerate(days):
            info = day_info(country, day, overrides)
            if info.kind == "holiday":
                flags[index].append(_day_label(country, name_in(info.names, lang)))
            elif info.kind == "weekend":
                flags[index].append(_day_label(country, _("weekend")))
    return flags


def conflict_flags(meetings: list[Meeting]) -> list[list]:
    """For each meeting: its clashes with other meetings (none for cancelled ones)."""
    return [
        [] if m.status == "cancelled" else find_conflicts(m, participant_label) for m in meetings
    ]


def _preview_rows(form: SeriesForm, rule: Rule) -> list[dict]:
    """The occurrences the form would create, flagged, without saving anything."""
    occurrences = expand(anchored(rule))
    room = db.session.get(Room, form.room_id.data) if form.room_id.data else None
    with db.session.no_autoflush:
        drafts = [Meeting(start_dt=o.start, end_dt=o.end, room=room, status="draft",
                          room_id=room.id if room else None) for o in occurrences]  # fmt: skip
        conflicts = conflict_flags(drafts)
        for draft in drafts:  # keep the session clean of these stand-ins
            if draft in db.session:
                db.session.expunge(draft)
    holidays = holiday_flags([o.start for o in occurrences])
    return [{"meeting": d, "holidays": h, "conflicts": c}
            for d, h, c in zip(drafts, holidays, conflicts, strict=True)]  # fmt: skip


def _read_rule(form: SeriesForm) -> Rule | None:
    """The rule of the form, or None with the problem shown beside the start field."""
    times = _read_times(form)
    if times is None:
        return None
    minutes = int((times["end_dt"] - times["start_dt"]).total_seconds() // 60)
    if minutes <= 0:
        form.end_local.errors.append(_("The end must be after the start."))
        return None
    return form.rule(form.start_local.data, minutes)


def _render_new(form, preview=None, conflicts=None, status=200):
    page = render_template("meetings/series_form.html", form=form, preview=preview,
                           conflicts=conflicts or [], series=None, meeting=None)  # fmt: skip
    return page, status


def _failed(error, render):
    """Roll back, flash the translated reason, re-render with 409 (conflicts) or 400."""
    db.session.rollback()
    flash(str(error.message), "error")
    conflicts = getattr(error, "conflicts", None) or []
    return render(conflicts=conflicts, status=409 if conflicts else 400)


@bp.route("/series/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_series():
    form = SeriesForm()
    _prepare(form)
    form.set_choices()
    if not form.validate_on_submit():
        return _render_new(form, status=400 if form.errors else 200)
    rule = _read_rule(form)
    if rule is None:
        return _render_new(form, status=400)
    try:
        if "preview" in request.form:
            return _render_new(form, preview=_preview_rows(form, rule))
        data = _form_data(form, {})
        series = series_services.create_series(
            current_user, rule, data, _selected_partners(form), form.override_reason.data
        )
    except (MeetingError, RecurrenceError) as error:
        return _failed(error, lambda **page: _render_new(form, **page))
    if series.meetings and series.meetings[0].start_dt < now_utc():
        flash(_("This series starts in the past; its meetings are recorded as history."),
              "warning")  # fmt: skip
    db.session.commit()
    flash(_("The recurring meeting has been saved."), "success")
    return redirect(url_for("meetings.show_series", series_id=series.id))


def _series_or_404(series_id: int) -> MeetingSeries:
    return db.get_or_404(MeetingSeries, series_id)


def _occurrence_or_404(series: MeetingSeries, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.series_id != series.id:
        abort(404)
    return meeting


def _series_page(series: MeetingSeries, status: int = 200):
    meetings = list(series.meetings)
    rows = zip(meetings, holiday_flags([m.start_dt for m in meetings]), conflict_flags(meetings),
               strict=True)  # fmt: skip
    from scheduler.meetings.series_people_views import participant_form_for

    return render_template(
        "meetings/series_detail.html", series=series, description=describe(series.rule),
        rows=[{"meeting": m, "holidays": h, "conflicts": c} for m, h, c in rows],
        reason_form=ReasonForm(), split_from=series.split_from,
        participant_form=participant_form_for(series),
    ), status  # fmt: skip


@bp.route("/series/<int:series_id>")
def show_series(series_id):
    return _series_page(_series_or_404(series_id))


def _following_form(series: MeetingSeries, meeting: Meeting) -> SeriesForm:
    form = SeriesForm(obj=meeting)
    _prepare(form)
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


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/following",
          methods=["GET", "POST"])  # fmt: skip
@roles_required(*EDITOR_ROLES)
def edit_following(series_id, meeting_id):
    series = _series_or_404(series_id)
    meeting = _occurrence_or_404(series, meeting_id)
    form = _following_form(series, meeting)

    def render(conflicts=None, status=200):
        return render_template("meetings/series_form.html", form=form, preview=None,
                               conflicts=conflicts or [], series=series,
                               meeting=meeting), status  # fmt: skip

    if not form.validate_on_submit():
        return render(status=400 if form.errors else 200)
    rule = _read_rule(form)
    if rule is None:
        return render(status=400)
    try:
        target = series_services.edit_following(
            meeting, rule, _form_data(form, {}), _selected_partners(form),
            form.override_reason.data,
        )  # fmt: skip
    except (MeetingError, RecurrenceError) as error:
        return _failed(error, render)
    db.session.commit()
    flash(_("This and the following meetings have been changed."), "success")
    return redirect(url_for("meetings.show_series", series_id=target.id))


@bp.route("/series/<int:series_id>/occurrences/<int:meeting_id>/cancel", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def cancel_occurrences(series_id, meeting_id):
    series = _series_or_404(series_id)
    meeting = _occurrence_or_404(series, meeting_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return _series_page(series, 400)
    following = request.form.get("scope") == "following"
    try:
        if following:
            series_services.cancel_following(meeting, form.reason.data)
        else:
            series_services.cancel_occurrence(meeting, form.reason.data)
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _series_page(db.session.get(MeetingSeries, series_id), 400)
    db.session.commit()
    flash(_("The meetings have been cancelled.") if following
          else _("The meeting has been cancelled."), "success")  # fmt: skip
    return redirect(url_for("meetings.show_series", series_id=series.id))
