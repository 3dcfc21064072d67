"""Recurring series (read): the rule and every occurrence, as the series page shows them."""

from flask_babel import force_locale
from flask_login import current_user

from scheduler.api.etags import row_or_404, with_etag
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.problems import api_language
from scheduler.api.read_schemas import SeriesSchema
from scheduler.api.representations import local_text, meeting_json, utc_text
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.summary import describe

bp = ApiBlueprint("api_v1_series", __name__, url_prefix="/api/v1", description="Series.")


def rule_json(series: MeetingSeries) -> dict:
    """The rule's parts (RFC 5545 weekday codes; dates and time on the planning zone's
    clock) and the rule in a sentence of the caller's language."""
    rule = series.rule
    with force_locale(api_language()):
        text = describe(rule)
    return {
        "freq": rule.freq,
        "interval": rule.interval,
        "weekdays": list(rule.weekdays),
        "month_day": rule.month_day,
        "week_of_month": rule.week_of_month,
        "count": rule.count,
        "until": rule.until,
        "start_date": rule.start_date,
        "start_time": rule.start_time.strftime("%H:%M"),
        "duration_minutes": rule.duration_minutes,
        "timezone": rule.zone,
        "text": text,
    }


def _occurrence(meeting) -> dict:
    return {
        "meeting": meeting.id,
        "recurrence_start": utc_text(meeting.recurrence_start),
        "start": utc_text(meeting.start_dt),
        "end": utc_text(meeting.end_dt),
        "start_local": local_text(meeting.start_dt, meeting.timezone),
        "status": meeting.status,
        "is_exception": meeting.is_exception,
    }


def series_json(series: MeetingSeries) -> dict:
    """The series as the caller sees it: its rule, template meeting and occurrences."""
    meetings = list(series.meetings)
    return {
        "id": series.id,
        "uid": series.uid,
        "rule": rule_json(series),
        "sequence": series.sequence,
        "version": series.version,
        "split_from": series.split_from_id,
        "template": meeting_json(series.template(), current_user) if meetings else None,
        "occurrences": [_occurrence(m) for m in meetings],
    }


@bp.route("/series/<int:series_id>")
@bp.response(200, SeriesSchema)
def show_series(series_id: int):
    """One series: its rule, its template meeting and each occurrence (times in UTC). Its
    ETag is what the series changes want in If-Match."""
    return with_etag(series_json(row_or_404(MeetingSeries, series_id)))
