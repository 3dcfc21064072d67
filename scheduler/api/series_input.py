"""The JSON of a series change read into what `scheduler.meetings.series.services` takes: the
rule (on the planning zone's clock, from the first meeting's start and end, as the recurring
form reads it) and the template fields of every meeting."""

from datetime import datetime

from scheduler.api.meeting_input import meeting_data, meeting_partners
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import Rule
from scheduler.meetings.series.services import TEMPLATE_FIELDS
from scheduler.sides import OFFICE_ZONE
from scheduler.timefmt import to_local_naive

RULE_PARTS = ("freq", "interval", "weekdays", "month_day", "week_of_month", "count", "until")


def rule_of(parts: dict, start: datetime, end: datetime, zone: str) -> Rule:
    """The rule of *parts* repeating the meeting from *start* to *end* (aware) in *zone*;
    MeetingError when the end is not after the start (the rule itself is checked later)."""
    services.check_times(start, end)
    local = to_local_naive(start, zone)
    return Rule(
        freq=parts["freq"],
        interval=parts.get("interval") or 1,
        start_date=local.date(),
        start_time=local.time(),
        duration_minutes=int((end - start).total_seconds() // 60),
        zone=zone,
        weekdays=tuple(parts.get("weekdays") or ()),
        month_day=parts.get("month_day"),
        week_of_month=parts.get("week_of_month"),
        count=parts.get("count"),
        until=parts.get("until"),
    )


def new_series_rule(args: dict) -> Rule:
    """The rule of a new series (POST /series)."""
    zone = args.get("timezone") or OFFICE_ZONE
    return rule_of(args["rule"], args["start"], args["end"], zone)


def _current_parts(series: MeetingSeries, meeting: Meeting) -> dict:
    """The series' rule as parts, its count counting from *meeting* on (as the page fills
    the "this and following" form)."""
    rule = series.rule
    parts = {name: getattr(rule, name) for name in RULE_PARTS}
    if rule.count is not None:
        earlier = sum(1 for m in series.meetings if m.recurrence_start < meeting.recurrence_start)
        parts["count"] = rule.count - earlier
    return parts


def following_rule(args: dict, series: MeetingSeries, meeting: Meeting) -> Rule:
    """The rule for *meeting* and the ones after it: what was sent over what is now."""
    start = args.get("start", meeting.start_dt)
    end = args.get("end", start + (meeting.end_dt - meeting.start_dt))
    zone = args.get("timezone") or meeting.timezone
    return rule_of(args.get("rule") or _current_parts(series, meeting), start, end, zone)


def following_data(args: dict, meeting: Meeting) -> tuple[dict, list]:
    """(the template fields, the partners) of the meetings from *meeting* on: the fields
    sent over *meeting*'s own, since new dates get every field from here."""
    data = {name: getattr(meeting, name) for name in TEMPLATE_FIELDS}
    data |= meeting_data(args, meeting)
    partners = meeting_partners(args.get("partners"), meeting)
    return data, list(meeting.partners) if partners is None else partners
