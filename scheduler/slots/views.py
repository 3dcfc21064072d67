"""The "find a time" page of the slot finder (read-only, a GET form), under /meetings."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from scheduler.auth.models import EDITOR_ROLES
from scheduler.availability.slots import (
    SlotInputError,
    check_buffer,
    check_duration,
    check_range,
    reason_text,
    spread,
)
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import current_language, localized, viewer_zone
from scheduler.meetings import queries
from scheduler.meetings.handoff import resolve_people
from scheduler.meetings.holds import held_meetings
from scheduler.meetings.models import Meeting
from scheduler.security import roles_required
from scheduler.slots import services, warnings
from scheduler.slots.forms import SlotForm, WarningQuery
from scheduler.slots.picks import encode_pick
from scheduler.timefmt import (
    LocalTimeError,
    date_then_time,
    format_clock,
    format_day,
    localize_strict,
    to_local_naive,
    with_clock_name,
)

SHOWN_SLOTS = 20
PER_HALF_DAY = 2  # suggestions per morning or afternoon: a spread, not quarter-hour variants
bp = Blueprint("slots", __name__, url_prefix="/meetings")


def _prepare(form: SlotForm) -> None:
    lang = current_language()
    form.participants.choices = queries.all_people_choices(lang)
    form.room_id.choices = queries.room_choices(lang, _("No room"))
    if not request.args:
        today = now_utc().astimezone(ZoneInfo(viewer_zone())).date()
        form.first_day.data, form.last_day.data = today, today + timedelta(days=13)


def _check(form: SlotForm) -> bool:
    """Domain checks beyond the form's own; errors go beside their fields."""
    checks = (
        (form.last_day, lambda: check_range(form.first_day.data, form.last_day.data)),
        (form.duration, lambda: check_duration(timedelta(minutes=form.duration.data))),
        (form.buffer, lambda: check_buffer(timedelta(minutes=form.buffer.data))),
    )
    ok = True
    for field, check in checks:
        try:
            check()
        except SlotInputError as error:
            field.errors.append(error.message)
            ok = False
    return ok


def _chosen_people(form: SlotForm) -> list[services.Who] | None:
    """The chosen people, in order; None with an error beside the field on a problem."""
    emails = [e for e in (form.emails.data or "").replace(";", ",").split(",") if e.strip()]
    try:
        people = services.people_by_keys(form.participants.data or [], services.person_label)
        people += services.people_by_email(emails)
    except services.PeopleError as error:
        form.emails.errors.append(error.message)
        return None
    people = list({who.key: who for who in people}.values())
    if not people:
        form.participants.errors.append(_("Choose at least one participant."))
        return None
    return people


def _clocks(start: datetime, zones: list[str]) -> str:
    """``12月3日（周四）14:30（北京时间） · 15:30（首尔时间）``: each zone's clock once, dated
    by the first zone, and again where another zone is on another day."""
    first = start.astimezone(ZoneInfo(zones[0])).date()
    parts = []
    for zone in zones:
        text = with_clock_name(format_clock(start, zone), zone, start)
        day = start.astimezone(ZoneInfo(zone)).date()
        parts.append(date_then_time(format_day(day), text) if day != first else text)
    return date_then_time(format_day(first), " · ".join(parts))


def _hand_off(people) -> dict:
    """What "use this time" carries besides the time: the people and their partners."""
    partners = [w.record.partner.slug for w in people if w.kind == "contact"]
    return {"people": [w.key for w in people], "partner": list(dict.fromkeys(partners))}


def _slot_rows(result, people) -> list[dict]:
    zones = list(dict.fromkeys(who.zone for who in people))
    carried, rows = _hand_off(people), []
    for slot in spread(result.slots, zones[0], PER_HALF_DAY)[:SHOWN_SLOTS]:
        link = url_for(
            "meetings.new_meeting",
            timezone=zones[0],
            start_local=to_local_naive(slot.start, zones[0]).isoformat(timespec="minutes"),
            end_local=to_local_naive(slot.end, zones[0]).isoformat(timespec="minutes"),
            **carried,
        )
        held = [localized(m, "title") for m in held_meetings(result.holds_on(slot))]
        pick = encode_pick(slot.start, slot.end, slot.score)
        clocks = _clocks(slot.start, zones)
        rows.append({"clocks": clocks, "link": link, "held": held, "pick": pick})
    return rows


def _skipped_rows(result) -> list[tuple[str, str]]:
    lang = current_language()
    return [
        (day.isoformat(), "; ".join(reason_text(reason, lang) for reason in reasons))
        for day, reasons in result.skipped.items()
    ]


def _search(form: SlotForm):
    people = _chosen_people(form)
    if not _check(form) or people is None:
        return None, None
    result = services.search_slots(
        people,
        form.first_day.data,
        form.last_day.data,
        duration=timedelta(minutes=form.duration.data),
        buffer=timedelta(minutes=form.buffer.data),
        notice=timedelta(hours=form.notice.data),
        now=now_utc(),
        room_id=form.room_id.data or None,
    )
    return people, result


@bp.route("/find-a-time")
@roles_required(*EDITOR_ROLES)
def find_slots():
    form = SlotForm(request.args)
    _prepare(form)
    if not request.args:
        return render_template("slots/find.html", form=form, result=None)
    people, result = _search(form) if form.validate() else (None, None)
    if result is None:
        return render_template("slots/find.html", form=form, result=None), 400
    return render_template(
        "slots/find.html",
        form=form,
        result=result,
        people=people,
        carried=_hand_off(people),
        first_zone=people[0].zone,
        slots=_slot_rows(result, people),
        skipped=_skipped_rows(result),
    )


def _first_error(form: WarningQuery) -> str:
    return next(str(errors[0]) for errors in form.errors.values() if errors)


def _queried_time(form: WarningQuery) -> tuple[datetime, datetime]:
    """The typed start and end as UTC instants; SlotInputError when they make no meeting."""
    zone = form.timezone.data
    try:
        start = localize_strict(form.start_local.data, zone)
        end = localize_strict(form.end_local.data, zone)
    except LocalTimeError as error:
        raise SlotInputError(_("This time does not exist or happens twice in %(zone)s "
                               "(the clocks change).", zone=zone)) from error  # fmt: skip
    if end <= start:
        raise SlotInputError(_("The end must be after the start."))
    check_duration(end - start)
    return start.astimezone(UTC), end.astimezone(UTC)


def _queried_people(form: WarningQuery) -> list:
    """The people on the form (active ones; others are left out, as when saving) and, when
    the form edits a meeting, the people already on it."""
    chosen, _notes, _unknown = resolve_people(form.people.data or [])
    meeting = db.session.get(Meeting, form.meeting.data) if form.meeting.data else None
    extra = warnings.meeting_people(meeting) if meeting is not None else []
    return chosen + [row for row in extra if row not in chosen]


@bp.route("/time-warnings")
@roles_required(*EDITOR_ROLES)
def time_warnings():
    """JSON for the meeting form: ``{"warnings": [...]}``, or ``{"error": ...}`` with 400."""
    form = WarningQuery(request.args)
    if not form.validate():
        return jsonify(error=_first_error(form)), 400
    try:
        start, end = _queried_time(form)
    except SlotInputError as error:
        return jsonify(error=str(error.message)), 400
    found = warnings.warnings_for(start, end, _queried_people(form), exclude=form.meeting.data)
    return jsonify(warnings=warnings.texts(found))


@bp.app_template_global()
def meeting_time_warnings(meeting: Meeting) -> list[str]:
    """The meeting page's warnings about its time, in the reader's language."""
    return warnings.texts(warnings.meeting_warnings(meeting))
