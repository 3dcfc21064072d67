"""The statistics page, the exports and the printable annual report (routes of ``history``)."""

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import force_locale, get_locale

from scheduler import timefmt
from scheduler.extensions import db
from scheduler.history import timeline
from scheduler.history.blueprint import bp
from scheduler.history.pages import bad_request, read_filters_or_abort
from scheduler.history.reports import exports
from scheduler.history.reports.cache import cached_statistics
from scheduler.history.reports.charts import statistics_charts
from scheduler.history.reports.narrative import report_narrative
from scheduler.history.reports.statistics import COUNTED_STATUSES, compute_statistics
from scheduler.i18n import current_language
from scheduler.meetings.models import KIND_LABELS, Meeting, MeetingKind, MeetingStatus
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner
from scheduler.sides import LANGUAGES

REPORT_LANGUAGES = LANGUAGES
ALL_YEARS = "all"  # the statistics page's year for every year at once


def this_year() -> int:
    """The current year on the office's calendar (timefmt.current_year: tests pin it)."""
    return timefmt.current_year(timeline.office_zone())


def check_year_or_abort(value) -> int:
    """*value* as a year of the history, or a 400 page that says which years there can be."""
    try:
        return timeline.check_year(value)
    except timeline.FilterError as error:
        abort(bad_request(error.message))


def month_names() -> list[str]:
    names = get_month_names("abbreviated", locale=get_locale())
    return [names[month] for month in range(1, 13)]


def statistics_context(partner: Partner | None, year: int | None) -> dict:
    """The figures and charts shared by the statistics page and the annual report."""

    def build():
        stats = compute_statistics(partner, year)
        return stats, statistics_charts(stats, KIND_LABELS, month_names())

    stats, charts = cached_statistics(partner, year, build)
    return {"stats": stats, "charts": charts}


def _statistics_filters() -> timeline.HistoryFilters:
    """The statistics page's filters: the current year unless a year or ALL_YEARS is asked."""
    args = request.args.copy()
    asked = (args.pop("year", None) or "").strip()
    filters = read_filters_or_abort(args)
    if asked == ALL_YEARS:
        return filters
    year = check_year_or_abort(asked) if asked else this_year()
    return dataclasses.replace(filters, year=year)


@bp.route("/history/statistics")
def statistics():
    filters = _statistics_filters()
    partners = db.session.scalars(db.select(Partner).order_by(Partner.kr_code)).all()
    context = statistics_context(filters.partner, filters.year)
    years = {*context["stats"].years_with_data, this_year(), filters.year or this_year()}
    return render_template(
        "history/reports/statistics.html",
        filters=filters,
        partners=partners,
        year_choices=sorted(years, reverse=True),
        report_year=filters.year or this_year(),
        ALL_YEARS=ALL_YEARS,
        **context,
    )


@bp.route("/history/export.<file_format>")
def export(file_format):
    if file_format not in exports.FORMATS:
        abort(404)
    filters = read_filters_or_abort()
    chunks = stream_with_context(exports.export_chunks(filters, file_format))
    response = Response(chunks, content_type=exports.MIMETYPES[file_format])
    filename = exports.export_filename(filters, file_format)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # names of people
    return response


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


def _agreements(meetings: list[Meeting]) -> list[tuple[date, Meeting]]:
    """The MOUs and agreements signed among *meetings*: the held signings, with their day on
    the office's calendar, in date order."""
    zone = ZoneInfo(timeline.office_zone())
    return [
        (m.start_dt.astimezone(zone).date(), m)
        for m in meetings
        if m.kind == MeetingKind.SIGNING and m.status == MeetingStatus.HELD
    ]


@bp.route("/history/report/<int:year>")
def annual_report(year):
    year = check_year_or_abort(year)
    partner = _report_partner()
    asked = request.args.get("lang")
    lang = asked if asked in REPORT_LANGUAGES else current_language()
    filters = timeline.HistoryFilters(partner=partner, year=year)
    with force_locale(lang):
        context = statistics_context(partner, year)
        if not context["stats"].total:  # say so, rather than print a page of zeros
            return render_template(
                "history/reports/report_empty.html",
                year=year,
                partner=partner,
                lang=lang,
                **context,
            )
        meetings = _exchanges(filters)
        agreements = _agreements(meetings)
        return render_template(
            "history/reports/report.html",
            year=year,
            partner=partner,
            lang=lang,
            meetings=meetings,
            agreements=agreements,
            narrative=report_narrative(context["stats"], year, agreements, partner),
            **context,
        )
