"""The API's input and output shapes (marshmallow): the OpenAPI document is made from these,
and the query arguments are read and checked with them."""

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from scheduler.api.parsing import ZoneField, aware_datetime
from scheduler.meetings.models import MeetingKind, MeetingStatus
from scheduler.sides import OFFICE_ZONE

MAX_PAGE = 100


class Strict(ma.Schema):
    """Unknown fields are refused, in the body and in the query alike."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class NamesSchema(Strict):
    zh = f.String(metadata={"description": "Chinese (Hanzi)"})
    ko = f.String(metadata={"description": "Korean (Hangul)"})
    en = f.String(metadata={"description": "English or romanized"})


class PartnerSchema(Strict):
    slug = f.String(required=True)
    name = f.Nested(NamesSchema, required=True)
    seat = f.Nested(NamesSchema, required=True)
    kind = f.String(required=True)
    iso_code = f.String(allow_none=True)
    kr_code = f.String(required=True)
    timezone = f.String(required=True)
    valid_from = f.Date(allow_none=True)
    valid_until = f.Date(allow_none=True)
    successor = f.String(allow_none=True, metadata={"description": "the successor's slug"})
    is_current = f.Boolean(required=True)
    notes = f.Dict(keys=f.String(), values=f.String(), metadata={"description": "zh, ko"})
    working_hours = f.String(allow_none=True, metadata={"description": "its people's default"})


class PersonSchema(Strict):
    participant_id = f.Integer(
        required=True, metadata={"description": "for /meetings/{id}/participants/{pid}"}
    )
    kind = f.String(required=True, validate=validate.OneOf(["user", "contact", "guest"]))
    id = f.Integer(allow_none=True)
    name = f.Nested(NamesSchema, required=True)
    role = f.String(required=True)
    rsvp = f.String(required=True)
    partner = f.String(allow_none=True)
    email = f.String(metadata={"description": "only for coordinators' and administrators' tokens"})
    phone = f.String(metadata={"description": "only for coordinators' and administrators' tokens"})


class MeetingSchema(Strict):
    id = f.Integer(required=True)
    uid = f.String(required=True)
    kind = f.String(required=True, validate=validate.OneOf([k.value for k in MeetingKind]))
    status = f.String(required=True, validate=validate.OneOf([s.value for s in MeetingStatus]))
    title = f.Nested(NamesSchema, required=True)
    agenda = f.Nested(NamesSchema, required=True)
    start = f.String(required=True, metadata={"description": "UTC, ISO 8601 with Z"})
    end = f.String(required=True, metadata={"description": "UTC, ISO 8601 with Z"})
    timezone = f.String(required=True, metadata={"description": "the planning zone (IANA)"})
    start_local = f.String(required=True, metadata={"description": "in the planning zone"})
    end_local = f.String(required=True, metadata={"description": "in the planning zone"})
    location = f.Nested(NamesSchema, required=True)
    platform = f.String(required=True)
    join_url = f.String(required=True)
    meeting_code = f.String(required=True)
    passcode = f.String(required=True)
    host_side = f.String(allow_none=True)
    status_reason = f.String(required=True)
    partners = f.List(f.String(), required=True, metadata={"description": "partner slugs"})
    organizer = f.Nested(NamesSchema, required=True)
    participants = f.List(f.Nested(PersonSchema), required=True)
    version = f.Integer(required=True)
    created_at = f.String(required=True)
    updated_at = f.String(required=True)


class MeetingPageSchema(Strict):
    items = f.List(f.Nested(MeetingSchema), required=True)
    next_cursor = f.String(allow_none=True)


class PartnerListSchema(Strict):
    items = f.List(f.Nested(PartnerSchema), required=True)


class DaysQuerySchema(Strict):
    """Whole days in *zone* (both included), and the cursor of a list."""

    start_day = f.Date(data_key="from", metadata={"description": "first day, in zone"})
    end_day = f.Date(data_key="to", metadata={"description": "last day (included), in zone"})
    zone = ZoneField(load_default=OFFICE_ZONE, metadata={"description": "IANA zone of the days"})
    cursor = f.String(metadata={"description": "from a Link rel=next header; opaque"})

    @ma.validates_schema
    def _days_in_order(self, data, **_kwargs):
        if data.get("start_day") and data.get("end_day") and data["end_day"] < data["start_day"]:
            raise ma.ValidationError("invalid", field_name="to")


class MeetingQuerySchema(DaysQuerySchema):
    """The meeting list's filters: dates are whole days in *zone* (both included)."""

    partner = f.String(metadata={"description": "partner slug"})
    kind = f.String(validate=validate.OneOf([k.value for k in MeetingKind]))
    status = f.String(validate=validate.OneOf([s.value for s in MeetingStatus]))
    updated_since = aware_datetime(metadata={"description": "changed at or after (with zone)"})
    limit = f.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
