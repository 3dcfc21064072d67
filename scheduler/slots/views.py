"""The "find a time" page of the slot finder (read-only, a GET form), under /meetings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from scheduler import people
from scheduler.auth.models import EDITOR_ROLES, User
from scheduler.availability.slots import (
    SlotInputError,
    check_buffer,
    check_duration,
    check_range,
    reason_text,
)
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.i18n import current_language, person_name, user_name, viewer_zone
from scheduler.meetings import queries
from scheduler.security import roles_required
from scheduler.slots import services
from scheduler.slots.forms import SlotForm
from scheduler.timefmt import (
    date_then_time,
    format_clock,
    format_day,
    to_local_naive,
    with_clock_name,
)

SHOWN_SLOTS = 20
bp = Blueprint("slots", __name__, url_prefix="/meetings")


def _label(kind: str, record) -> str:
    return user_name(record) if kind == "user" else person_name(record)


def _people_choices(lang: str) -> list[tuple[str, str]]:
    users = db.session.scalars(
        sa.select(User).where(User.is_active_user.is_(True)).order_by(User.email)
    ).all()
    contacts = db.session.scalars(
        sa.select(Contact).where(Contact.is_active.is_(True)).order_by(Contact.family_name_ko)
    ).all()
    choices = [people.choice(u, f"{user_name(u, lang)} ({u.email})") for u in users]
    return choices + [people.choice(c, person_name(c, lang)) for c in contacts]


def _prepare(form: SlotForm) -> None:
    lang = current_language()
    form.participants.choices = _people_choices(lang)
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
        people = services.people_by_keys(form.participants.data or [], _label)
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


def _slot_rows(result, people) -> list[dict]:
    zones = list(dict.fromkeys(who.zone for who in people))
    rows = []
    for slot in result.slots[:SHOWN_SLOTS]:
        link = url_for(
            "meetings.new_meeting",
            timezone=zones[0],
            start_local=to_local_naive(slot.start, zones[0]).isoformat(timespec="minutes"),
            end_local=to_local_naive(slot.end, zones[0]).isoformat(timespec="minutes"),
        )
        rows.append({"clocks": _clocks(slot.start, zones), "link": link})
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
        slots=_slot_rows(result, people),
        skipped=_skipped_rows(result),
    )
