"""What the history pages share (not a view module): reading their filters, a 400 page."""

from flask import Response, abort, render_template, request

from scheduler.history import timeline
from scheduler.i18n import join_list, localized


def partner_names(partners) -> str:
    """The partners' names in the reader's language, as a list (、 in Chinese)."""
    return join_list(localized(p, "name") for p in partners)


def read_filters_or_abort(args=None, default_status: str | None = None) -> timeline.HistoryFilters:
    """The query's filters (or those of *args*; no status: *default_status*); 404 for an
    unknown partner, 400 with the reason for a bad year."""
    try:
        return timeline.read_filters(request.args if args is None else args, default_status)
    except timeline.UnknownPartner:
        abort(404)
    except timeline.FilterError as error:
        abort(bad_request(error.message))


def bad_request(message) -> Response:
    """The error page with *message*, as a 400 response (for abort())."""
    html = render_template("errors/error.html", code=400, message=message)
    return Response(html, status=400, content_type="text/html; charset=utf-8")
