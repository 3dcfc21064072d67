"""The exchange history (read): the search of the history pages, page by page with a
cursor, and the statistics page's figures."""

from scheduler.api.offset_pages import paged, start_offset
from scheduler.api.parsing import ApiBlueprint, refuse
from scheduler.api.read_schemas import (
    HistoryPageSchema,
    HistoryQuerySchema,
    StatisticsQuerySchema,
    StatisticsSchema,
)
from scheduler.api.representations import meeting_brief
from scheduler.history.reports.statistics import compute_statistics
from scheduler.history.search.services import SearchFilters, normalized_term, search_history
from scheduler.history.timeline import FilterError, check_year
from scheduler.partners.services import get_partner, lineage

bp = ApiBlueprint("api_v1_history", __name__, url_prefix="/api/v1", description="History.")


def _partner(args: dict):
    if not args.get("partner"):
        return None
    return get_partner(args["partner"]) or refuse("partner", "invalid")


def _found(meeting, contacts) -> dict:
    partners = sorted(p.slug for p in meeting.partners)
    return meeting_brief(meeting) | {"partners": partners, "contacts": [c.id for c in contacts]}


@bp.route("/history/search")
@bp.arguments(HistoryQuerySchema, location="query", as_kwargs=False)
@bp.response(200, HistoryPageSchema)
def search(args: dict):
    """Meetings whose titles, agendas, outcome, partners or people match q (and its
    synonyms), newest first; days are in zone. Follow the Link header's rel="next"."""
    term, _shortened = normalized_term(args["q"])
    if not term:
        refuse("q", "invalid")
    partner = _partner(args)
    ids = tuple(sorted(p.id for p in lineage(partner))) if partner else ()
    filters = SearchFilters(
        term, partner, ids, args.get("kind", ""), args.get("start_day"), args.get("end_day")
    )
    offset, limit = start_offset(args), args["limit"]
    page = search_history(filters, args["zone"], offset // limit + 1, limit)
    if page.page != offset // limit + 1:  # the cursor's page is past the end now
        return paged("api_v1_history.search", args, [], None, total=page.total)
    items = [_found(m, page.contacts.get(m.id, [])) for m in page.meetings]
    more = offset + limit if offset + limit < page.total else None
    return paged("api_v1_history.search", args, items, more, total=page.total)


def statistics_json(stats, partner) -> dict:
    """The figures of the statistics page (years and months of the office's calendar)."""
    return {
        "year": stats.year,
        "partner": partner.slug if partner else None,
        "total": stats.total,
        "by_year": [
            {"year": c.year, "count": c.count, "change": c.change, "percent": c.percent}
            for c in stats.year_over_year()
        ],
        "by_kind": stats.by_kind,
        "month_year": stats.month_year,
        "by_month": stats.by_month,
        "by_partner": [
            {
                "partner": row.partner.slug,
                "counts": [{"year": y, "count": n} for y, n in sorted(row.counts.items())],
                "total": row.total,
            }
            for row in stats.by_partner
        ],
        "video_links_held": stats.video_links_held,
        "video_links_held_in_year": stats.video_links_held_in_year,
        "visits": stats.visits,
        "follow_ups": stats.follow_ups,
        "overdue_follow_ups": stats.overdue_follow_ups,
    }


@bp.route("/history/statistics")
@bp.arguments(StatisticsQuerySchema, location="query", as_kwargs=False)
@bp.response(200, StatisticsSchema)
def statistics(args: dict):
    """Exchanges counted as on the statistics page: of one partner (with its predecessors)
    or all, in one year of the office's calendar or in every year."""
    partner, year = _partner(args), args.get("year")
    if year is not None:
        try:
            check_year(year)
        except FilterError:
            refuse("year", "invalid")
    return statistics_json(compute_statistics(partner, year), partner)
