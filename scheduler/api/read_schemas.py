"""Shapes of the read resources beside meetings: series, visits, the slot search and the
exchange history."""

from marshmallow import fields as f
from marshmallow import validate

from scheduler.api.conditional import MAX_ROW_ID
from scheduler.api.resource_schemas import ScriptsSchema
from scheduler.api.schemas import MAX_PAGE, DaysQuerySchema, MeetingSchema, NamesSchema, Strict
from scheduler.meetings.models import MEETING_KINDS

_UTC = {"description": "UTC, ISO 8601 with Z"}


class RuleSchema(Strict):
    freq = f.String(required=True, validate=validate.OneOf(["weekly", "monthly"]))
    interval = f.Integer(required=True)
    weekdays = f.List(f.String(), required=True, metadata={"description": "RFC 5545: MO, TU…"})
    month_day = f.Integer(allow_none=True, metadata={"description": "1–28, or -1: last day"})
    week_of_month = f.Integer(allow_none=True, metadata={"description": "1–4, or -1: last"})
    count = f.Integer(allow_none=True)
    until = f.Date(allow_none=True, metadata={"description": "included, in timezone"})
    start_date = f.Date(required=True)
    start_time = f.String(required=True, metadata={"description": "HH:MM in timezone"})
    duration_minutes = f.Integer(required=True)
    timezone = f.String(required=True)
    text = f.String(required=True, metadata={"description": "in the Accept-Language"})


class OccurrenceSchema(Strict):
    meeting = f.Integer(required=True)
    recurrence_start = f.String(required=True, metadata=_UTC)
    start = f.String(required=True, metadata=_UTC)
    end = f.String(required=True, metadata=_UTC)
    start_local = f.String(required=True)
    status = f.String(required=True)
    is_exception = f.Boolean(required=True)


class SeriesSchema(Strict):
    id = f.Integer(required=True)
    uid = f.String(required=True)
    rule = f.Nested(RuleSchema, required=True)
    sequence = f.Integer(required=True)
    version = f.Integer(required=True)
    split_from = f.Integer(allow_none=True)
    template = f.Nested(MeetingSchema, allow_none=True)
    occurrences = f.List(f.Nested(OccurrenceSchema), required=True)


class VisitSummarySchema(Strict):
    id = f.Integer(required=True)
    direction = f.String(required=True)
    title = f.Nested(NamesSchema, required=True)
    start_date = f.Date(required=True)
    end_date = f.Date(required=True)
    timezone = f.String(required=True, metadata={"description": "the place visited"})
    partners = f.List(f.String(), required=True)


class VisitListSchema(Strict):
    items = f.List(f.Nested(VisitSummarySchema), required=True)


class MomentSchema(Strict):
    at = f.String(required=True, metadata=_UTC)
    local = f.String(required=True)


class TravelSchema(Strict):
    flight = f.String(required=True)
    airport = f.String(required=True)
    time = f.Nested(MomentSchema, allow_none=True)


class MemberSchema(Strict):
    id = f.Integer(required=True)
    kind = f.String(required=True, validate=validate.OneOf(["user", "contact", "guest"]))
    person = f.Integer(allow_none=True, metadata={"description": "the user's or contact's id"})
    role = f.String(required=True)
    name = f.Nested(NamesSchema, required=True)
    title = f.Nested(ScriptsSchema, required=True)
    phone = f.String(metadata={"description": "only for coordinators' and administrators'"})


class BriefSchema(Strict):
    """A meeting as lists show it."""

    id = f.Integer(required=True)
    kind = f.String(required=True)
    status = f.String(required=True)
    title = f.Nested(NamesSchema, required=True)
    start = f.String(required=True, metadata=_UTC)
    end = f.String(required=True, metadata=_UTC)
    timezone = f.String(required=True, metadata={"description": "its planning zone"})
    start_local = f.String(required=True)
    end_local = f.String(required=True)


class ItemSchema(BriefSchema):
    """An itinerary item: its timezone is the zone of its place."""

    location = f.Nested(NamesSchema, required=True)
    vehicle = f.String(required=True)
    person_in_charge = f.Integer(allow_none=True, metadata={"description": "a member's id"})


class DaySchema(Strict):
    day = f.Integer(required=True)
    date = f.Date(required=True)
    items = f.List(f.Nested(ItemSchema), required=True)


class VisitSchema(VisitSummarySchema):
    arrival = f.Nested(TravelSchema, required=True)
    departure = f.Nested(TravelSchema, required=True)
    hotel = f.Nested(ScriptsSchema, required=True)
    notes = f.String(required=True)
    organizer = f.Nested(NamesSchema, required=True)
    delegation = f.List(f.Nested(MemberSchema), required=True)
    hosts = f.List(f.Nested(MemberSchema), required=True)
    itinerary = f.List(f.Nested(DaySchema), required=True)
    created_at = f.String(required=True)
    updated_at = f.String(required=True)


class SlotSearchSchema(Strict):
    """The slot finder's form: people, days on the first person's clock, durations."""

    participants = f.List(
        f.String(), load_default=list, metadata={"description": "user:ID, contact:ID"}
    )
    emails = f.List(f.Email(), load_default=list)
    first_day = f.Date(required=True)
    last_day = f.Date(required=True, metadata={"description": "included"})
    duration = f.Integer(load_default=60, metadata={"description": "minutes"})
    buffer = f.Integer(load_default=15, metadata={"description": "minutes between meetings"})
    notice = f.Integer(
        load_default=24, validate=validate.Range(min=0, max=720), metadata={"description": "hours"}
    )
    room = f.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ROW_ID),
        metadata={"description": "room id"},
    )


class SlotSchema(Strict):
    start = f.String(required=True, metadata=_UTC)
    end = f.String(required=True, metadata=_UTC)
    start_local = f.String(required=True, metadata={"description": "in zone"})
    end_local = f.String(required=True, metadata={"description": "in zone"})
    score = f.Integer(required=True, metadata={"description": "lower is better"})


class SkippedDaySchema(Strict):
    day = f.Date(required=True)
    kind = f.String(required=True)
    country = f.String(allow_none=True)
    text = f.String(required=True, metadata={"description": "in the Accept-Language"})


class SlotResultSchema(Strict):
    zone = f.String(required=True, metadata={"description": "the first person's zone"})
    slots = f.List(f.Nested(SlotSchema), required=True)
    warnings = f.List(
        f.Nested(SkippedDaySchema),
        required=True,
        metadata={"description": "days without a slot, and why"},
    )


class HistoryQuerySchema(DaysQuerySchema):
    q = f.String(required=True, metadata={"description": "Chinese, Korean or English"})
    partner = f.String(metadata={"description": "slug; its predecessors count too"})
    kind = f.String(validate=validate.OneOf(MEETING_KINDS))
    limit = f.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))


class FoundSchema(BriefSchema):
    partners = f.List(f.String(), required=True)
    contacts = f.List(f.Integer(), required=True, metadata={"description": "matching names"})


class HistoryPageSchema(Strict):
    items = f.List(f.Nested(FoundSchema), required=True)
    total = f.Integer(required=True)
    next_cursor = f.String(allow_none=True)


class StatisticsQuerySchema(Strict):
    partner = f.String(metadata={"description": "slug; its predecessors count too"})
    year = f.Integer(metadata={"description": "office calendar year; none: every year"})


class YearCountSchema(Strict):
    year = f.Integer(required=True)
    count = f.Integer(required=True)
    change = f.Integer(allow_none=True)
    percent = f.Float(allow_none=True)


class CountSchema(Strict):
    year = f.Integer(required=True)
    count = f.Integer(required=True)


class PartnerYearsSchema(Strict):
    partner = f.String(required=True)
    counts = f.List(f.Nested(CountSchema), required=True)
    total = f.Integer(required=True)


class StatisticsSchema(Strict):
    year = f.Integer(allow_none=True)
    partner = f.String(allow_none=True)
    total = f.Integer(required=True)
    by_year = f.List(f.Nested(YearCountSchema), required=True)
    by_kind = f.Dict(keys=f.String(), values=f.Integer(), required=True)
    month_year = f.Integer(required=True, metadata={"description": "the year of by_month"})
    by_month = f.List(f.Integer(), required=True, metadata={"description": "January first"})
    by_partner = f.List(f.Nested(PartnerYearsSchema), required=True)
    video_links_held = f.Integer(required=True)
    video_links_held_in_year = f.Integer(required=True)
    visits = f.Dict(keys=f.String(), values=f.Integer(), required=True)
    follow_ups = f.Dict(keys=f.String(), values=f.Integer(), required=True)
    overdue_follow_ups = f.Integer(required=True)
