"""What the meeting and participant changes accept: the fields and limits of the meeting
forms (scheduler/meetings/forms.py), in JSON. Every field of a change is optional (PATCH);
a new meeting needs its kind, a title and its times."""

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from scheduler.api.conditional import MAX_ROW_ID
from scheduler.api.parsing import ZoneField, aware_datetime
from scheduler.api.schemas import Strict
from scheduler.meetings.models import MAX_OFFSET_MINUTES, MeetingKind, ParticipantRole
from scheduler.sides import HOST_SIDE_CODES

_ID = validate.Range(min=1, max=MAX_ROW_ID)


def _text(limit: int, **kwargs) -> f.String:
    return f.String(validate=validate.Length(max=limit), **kwargs)


class TitleInSchema(Strict):
    zh = _text(200, metadata={"description": "Chinese"})
    ko = _text(200, metadata={"description": "Korean"})
    en = _text(200, metadata={"description": "English (optional)"})


class AgendaInSchema(Strict):
    zh = _text(10000)
    ko = _text(10000)
    en = _text(10000)


class PlaceInSchema(Strict):
    zh = _text(200)
    ko = _text(200)


class PersonInSchema(Strict):
    """A staff user or a contact by id, or a guest by e-mail address."""

    kind = f.String(required=True, validate=validate.OneOf(["user", "contact", "guest"]))
    id = f.Integer(validate=_ID, metadata={"description": "the user's or contact's id"})
    email = f.Email(validate=validate.Length(max=254), metadata={"description": "a guest's"})
    name = _text(100, metadata={"description": "a guest's name"})
    role = f.String(
        load_default=ParticipantRole.PARTICIPANT.value,
        validate=validate.OneOf([r.value for r in ParticipantRole]),
    )

    @ma.validates_schema
    def _who(self, data, **_kwargs):
        if data.get("kind") == "guest" and not data.get("email"):
            raise ma.ValidationError("missing", field_name="email")
        if data.get("kind") in ("user", "contact") and not data.get("id"):
            raise ma.ValidationError("missing", field_name="id")


OVERRIDE_HELP = (
    "Why the booking stands although participants already have a meeting at this time "
    "(an interpreter or a room booked twice is refused whatever the reason)."
)


class MeetingChangeSchema(Strict):
    """A change of a meeting (PATCH): only the fields sent are changed."""

    kind = f.String(validate=validate.OneOf([k.value for k in MeetingKind]))
    title = f.Nested(TitleInSchema)
    agenda = f.Nested(AgendaInSchema)
    partners = f.List(f.String(), metadata={"description": "partner slugs"})
    start = aware_datetime(metadata={"description": "with an offset or Z"})
    end = aware_datetime(metadata={"description": "with an offset or Z"})
    timezone = ZoneField(metadata={"description": "the planning zone (IANA)"})
    location = f.Nested(PlaceInSchema)
    platform = _text(60)
    join_url = f.Url(
        require_tld=False, schemes={"http", "https"}, validate=validate.Length(max=500)
    )
    meeting_code = _text(60)
    passcode = _text(60)
    host_side = f.String(allow_none=True, validate=validate.OneOf(HOST_SIDE_CODES))
    tech_check_minutes = f.Integer(allow_none=True, validate=validate.Range(min=0, max=240))
    reminder_offsets = f.List(
        f.Integer(validate=validate.Range(min=1, max=MAX_OFFSET_MINUTES)),
        allow_none=True,
        metadata={"description": "minutes before the start; null: the office's default"},
    )
    room = f.Integer(allow_none=True, validate=_ID, metadata={"description": "a room's id"})
    override_reason = _text(500, metadata={"description": OVERRIDE_HELP})


class MeetingCreateSchema(MeetingChangeSchema):
    """A new meeting (a draft), with its people."""

    kind = f.String(required=True, validate=validate.OneOf([k.value for k in MeetingKind]))
    title = f.Nested(TitleInSchema, required=True)
    start = aware_datetime(required=True, metadata={"description": "with an offset or Z"})
    end = aware_datetime(required=True, metadata={"description": "with an offset or Z"})
    participants = f.List(f.Nested(PersonInSchema), validate=validate.Length(max=200))


class ParticipantAddSchema(PersonInSchema):
    override_reason = _text(500, metadata={"description": OVERRIDE_HELP})


class ReasonSchema(Strict):
    reason = f.String(required=True, validate=validate.Length(min=1, max=2000))


class NoFieldsSchema(Strict):
    """No fields: an empty object or no body at all."""
