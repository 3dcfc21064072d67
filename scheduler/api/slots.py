"""The slot finder (a read, though a POST: its input is a form's worth of people and
options): the same people, checks, search and spread of suggestions as the page."""

from datetime import timedelta

from flask import abort
from flask_babel import force_locale
from flask_login import current_user

from scheduler.api.form_input import refuse_because
from scheduler.api.parsing import ApiBlueprint, refuse
from scheduler.api.problems import api_language
from scheduler.api.read_schemas import SlotResultSchema, SlotSearchSchema
from scheduler.api.representations import local_text, utc_text
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
from scheduler.meetings.models import Room
from scheduler.slots import services

# As on the page: a spread over half-days, not quarter-hour variants of one morning.
SHOWN_SLOTS = 20
PER_HALF_DAY = 2

bp = ApiBlueprint("api_v1_slots", __name__, url_prefix="/api/v1", description="Slot finder.")


def _checked(args: dict) -> None:
    """The page's checks of the range, the duration and the buffer (422 naming the field)."""
    checks = (
        ("last_day", lambda: check_range(args["first_day"], args["last_day"])),
        ("duration", lambda: check_duration(timedelta(minutes=args["duration"]))),
        ("buffer", lambda: check_buffer(timedelta(minutes=args["buffer"]))),
    )
    for field, check in checks:
        try:
            check()
        except SlotInputError as error:
            refuse_because(field, error.message)


def _looked_up(field: str, find) -> list[services.Who]:
    try:
        return find()
    except services.PeopleError as error:  # an unknown address or someone inactive
        refuse_because(field, error.message)


def _people(args: dict) -> list[services.Who]:
    """The chosen people, once each; every key must name someone (the page offers only
    existing people, an API client may send anything)."""
    keys = list(dict.fromkeys(args["participants"]))
    chosen = _looked_up(
        "participants", lambda: services.people_by_keys(keys, services.person_label)
    )
    if len(chosen) < len(keys):
        refuse("participants", "invalid")
    chosen += _looked_up("emails", lambda: services.people_by_email(args["emails"]))
    people = list({who.key: who for who in chosen}.values())
    if not people:
        refuse("participants", "missing")
    return people


def _room_id(args: dict) -> int | None:
    if not args.get("room"):
        return None
    room = db.session.get(Room, args["room"])
    if room is None or not room.is_active:
        refuse("room", "invalid")
    return room.id


def _slot(slot, zone: str) -> dict:
    return {
        "start": utc_text(slot.start),
        "end": utc_text(slot.end),
        "start_local": local_text(slot.start, zone),
        "end_local": local_text(slot.end, zone),
        "score": slot.score,
    }


def _warnings(result) -> list[dict]:
    """Each day of the range without a slot, once per reason, worded for the caller."""
    lang = api_language()
    with force_locale(lang):
        return [
            {"day": day, "kind": r.kind, "country": r.country, "text": reason_text(r, lang)}
            for day, reasons in result.skipped.items()
            for r in reasons
        ]


@bp.route("/slots/search", methods=["POST"])
@bp.arguments(SlotSearchSchema, as_kwargs=False)
@bp.response(200, SlotResultSchema)
def search_slots(args: dict):
    """Times that suit everyone: working hours, both sides' holidays, their bookings and the
    room's. Days are on the first person's clock; slots best first (lowest score), spread
    over half-days as on the page. For coordinators and administrators (as the page)."""
    if current_user.role not in EDITOR_ROLES:
        abort(403)
    _checked(args)
    people, room_id = _people(args), _room_id(args)
    result = services.search_slots(
        people,
        args["first_day"],
        args["last_day"],
        duration=timedelta(minutes=args["duration"]),
        buffer=timedelta(minutes=args["buffer"]),
        notice=timedelta(hours=args["notice"]),
        now=now_utc(),
        room_id=room_id,
    )
    zone = people[0].zone
    shown = spread(result.slots, zone, PER_HALF_DAY)[:SHOWN_SLOTS]
    return {"zone": zone, "slots": [_slot(s, zone) for s in shown], "warnings": _warnings(result)}
