"""History pages: the list, partner and contact timelines, statistics and exports (thin)."""

import dataclasses

from babel.dates import get_month_names
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history import exports, timeline
from scheduler.history.charts import number, statistics_charts
from scheduler.history.statistics import compute_statistics
from scheduler.i18n import localized, person_name
from scheduler.meetings.models import KIND_LABELS
from scheduler.meetings.services import participant_label
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner

bp = Blueprint("history", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "participant_label": participant_label,
        "from_predecessor": timeline.from_predecessor,
        "number": number,
        "partner_names": partner_names,
        "YEAR_MIN": timeline.YEAR_MIN,
        "YEAR_MAX": timeline.YEAR_MAX,
    }


def partner_names(partners) -> str:
    """The partners' names in the reader's language, comma-separated."""
    return ", ".join(localized(p, "name") for p in partners)


def read_filters_or_abort() -> timeline.HistoryFilters:
    """The query's filters; 404 for an unknown partner, 400 with the reason for a bad year."""
    try:
        return timeline.read_filters(request.args)
    except timeline.UnknownPartner:
        abort(404)
    except timeline.FilterError as error:
        abort(bad_request(error.message))


def bad_request(message) -> Response:
    """The error page with *message*, as a 400 response (for abort())."""
    html = render_template("errors/error.html", code=400, message=message)
    return Response(html, status=400, content_type="text/html; charset=utf-8")


def _render_timeline(filters, heading, endpoint, url_args, contact=None, **context):
    contact_id = contact.id if contact else None
    conditions = timeline.meeting_conditions(filters, contact_id)
    page = timeline.history_page(conditions, timeline.read_page(request.args))
    scope_partner = filters.partner if endpoint == "history.partner_timeline" else None
    scope_ids = set(timeline.scope_partner_ids(scope_partner)) if scope_partner else set()
    page_args = {**filters.url_args(), **url_args}
    if endpoint != "history.index":
        page_args.pop("partner", None)  # the partner is in the path
    return render_template(
        "history/timeline.html", filters=filters, page=page, contact=contact, heading=heading,
        scope_partner=scope_partner, scope_ids=scope_ids, endpoint=endpoint, url_args=url_args,
        page_args=page_args, visits=timeline.visits_for(filters, contact_id), **context,
    )  # fmt: skip


@bp.route("/history/")
def index():
    filters = read_filters_or_abort()
    partners = db.session.scalars(db.select(Partner).order_by(Partner.kr_code)).all()
    return _render_timeline(filters, _("Exchange history"), "history.index", {}, partners=partners)


@bp.route("/partners/<slug>/history")
def partner_timeline(slug):
    partner = get_partner(slug) or abort(404)
    filters = dataclasses.replace(read_filters_or_abort(), partner=partner)
    heading = _("Exchange history with %(partner)s", partner=localized(partner, "name"))
    return _render_timeline(filters, heading, "history.partner_timeline", {"slug": slug})


@bp.route("/contacts/<int:contact_id>/history")
def contact_timeline(contact_id):
    contact = db.get_or_404(Contact, contact_id)
    filters = dataclasses.replace(read_filters_or_abort(), partner=None)
    heading = _("Exchange history of %(name)s", name=person_name(contact))
    url_args = {"contact_id": contact.id}
    return _render_timeline(filters, heading, "history.contact_timeline", url_args, contact)


def month_names() -> list[str]:
    names = get_month_names("abbreviated", locale=get_locale())
    return [names[month] for month in range(1, 13)]


def statistics_context(partner: Partner | None, year: int | None) -> dict:
    """The figures and charts shared by the statistics page and the annual report."""
    stats = compute_statistics(partner, year)
    return {"stats": stats, "charts": statistics_charts(stats, KIND_LABELS, month_names())}


@bp.route("/history/statistics")
def statistics():
    filters = read_filters_or_abort()
    partners = db.session.scalars(db.select(Partner).order_by(Partner.kr_code)).all()
    context = statistics_context(filters.partner, filters.year)
    return render_template("history/statistics.html", filters=filters, partners=partners, **context)


@bp.route("/history/export.<file_format>")
def export(file_format):
    if file_format not in exports.FORMATS:
        abort(404)
    filters = read_filters_or_abort()
    response = Response(
        exports.export_bytes(filters, file_format), content_type=exports.MIMETYPES[file_format]
    )
    filename = exports.export_filename(filters, file_format)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # names of people
    return response


import scheduler.history.report_views  # noqa: E402,F401 - the printable annual report
