"""The printable annual report: figures, charts and the year's exchanges with outcomes."""

from flask import abort, render_template, request
from flask_babel import force_locale

from scheduler.extensions import db
from scheduler.history import timeline
from scheduler.history.history_views import bad_request, bp, statistics_context
from scheduler.history.statistics import COUNTED_STATUSES
from scheduler.i18n import current_language
from scheduler.meetings.models import Meeting
from scheduler.partners.services import get_partner

REPORT_LANGUAGES = ("zh", "ko", "en")


def _report_partner():
    slug = (request.args.get("partner") or "").strip()
    if not slug:
        return None
    return get_partner(slug) or abort(404)


def _exchanges(filters: timeline.HistoryFilters) -> list[Meeting]:
    """The year's exchanges (not drafts or cancelled meetings) in date order, with partners,
    participants and outcomes."""
    conditions = timeline.meeting_conditions(filters)
    query = timeline.newest_first([*conditions, Meeting.status.in_(COUNTED_STATUSES)])
    query = query.order_by(None).order_by(Meeting.start_dt, Meeting.id)
    return list(db.session.scalars(query))


@bp.route("/history/report/<int:year>")
def annual_report(year):
    try:
        year = timeline.check_year(year)
    except timeline.FilterError as error:
        abort(bad_request(error.message))
    partner = _report_partner()
    asked = request.args.get("lang")
    lang = asked if asked in REPORT_LANGUAGES else current_language()
    filters = timeline.HistoryFilters(partner=partner, year=year)
    with force_locale(lang):
        return render_template(
            "history/report.html", year=year, partner=partner, lang=lang,
            meetings=_exchanges(filters), **statistics_context(partner, year),
        )  # fmt: skip
