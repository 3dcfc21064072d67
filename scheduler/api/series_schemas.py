"""What the series changes accept: the meeting fields of POST /meetings (start and end are
the first meeting's) plus the rule the recurring-meeting form offers, in the parts the
series representation shows (`read_schemas.RuleSchema`), so a rule read can be sent back."""

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

from scheduler.api.schemas import Strict
from scheduler.api.write_schemas import MeetingChangeSchema, MeetingCreateSchema
from scheduler.meetings.series.recurrence import MAX_OCCURRENCES, WEEK_OF_MONTH, WEEKDAY_CODES

_WEEKLY_ONLY_HELP = "weekly: the weekdays; monthly on the Nth weekday: one weekday"


class RuleInSchema(Strict):
    """Weekly on weekdays, monthly on a day (1–28 or 31: the last day) or on the Nth weekday;
    ended by a count or a last date (in the planning zone). The service checks the rest (a
    pattern without its days, days 29 and 30, too many meetings) and says why, translated."""

    freq = f.String(required=True, validate=validate.OneOf(["weekly", "monthly"]))
    interval = f.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=52),
        metadata={"description": "every N weeks (1–52) or months (1–12)"},
    )
    weekdays = f.List(
        f.String(validate=validate.OneOf(WEEKDAY_CODES)),
        load_default=list,
        validate=validate.Length(max=7),
        metadata={"description": _WEEKLY_ONLY_HELP},
    )
    month_day = f.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=31),
        metadata={"description": "monthly on a date: 1–28, or 31 for the last day"},
    )
    week_of_month = f.Integer(
        allow_none=True,
        validate=validate.OneOf(WEEK_OF_MONTH),
        metadata={"description": "monthly on a weekday: 1–4, or -1 for the last"},
    )
    count = f.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_OCCURRENCES))
    until = f.Date(allow_none=True, metadata={"description": "last day (included), in timezone"})

    @ma.validates_schema
    def _one_pattern(self, data, **_kwargs):
        """A part the chosen pattern does not use is refused, not silently stored."""
        monthly_date = data.get("freq") == "monthly" and data.get("month_day") is not None
        unused = ("month_day", "week_of_month") if data.get("freq") == "weekly" else ()
        unused += ("weekdays",) if monthly_date and data.get("weekdays") else ()
        for name in unused:
            if data.get(name):
                raise ma.ValidationError("invalid", field_name=name)


class SeriesCreateSchema(MeetingCreateSchema):
    """A new recurring series of draft meetings: start and end are those of the first
    meeting, on the planning zone's clock (timezone); the rule repeats them."""

    rule = f.Nested(RuleInSchema, required=True)


class SeriesChangeSchema(MeetingChangeSchema):
    """A change of every meeting from one on: only the fields sent change. start (and end)
    move the first changed meeting; without end the length stays. A rule sent replaces the
    whole rule; without one the rule stays (a count counting from the first changed meeting)."""

    rule = f.Nested(RuleInSchema)
