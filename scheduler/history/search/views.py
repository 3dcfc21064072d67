"""`/history/search`: one search over the exchange history, in Chinese, Korean and English."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from scheduler.extensions import db, page_number
from scheduler.history.search.excerpts import highlight, snippet
from scheduler.history.search.services import (
    MAX_TERM_LENGTH,
    SearchFilters,
    normalized_term,
    search_history,
)
from scheduler.i18n import viewer_zone
from scheduler.meetings.models import FIRST_YEAR, LAST_YEAR, MEETING_KINDS
from scheduler.pagecache import kept_page
from scheduler.partners.models import Partner
from scheduler.partners.services import lineage

bp = Blueprint("history_search", __name__, url_prefix="/history")


@bp.record_once
def _template_helpers(state) -> None:
    # The results partial is also shown by the one search box (templates/main/search.html).
    state.app.jinja_env.globals.update(search_highlight=highlight, search_snippet=snippet)


def _read_date(name: str, notices: list[str]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        notices.append(
            _('"%(text)s" is not a date. Use YYYY-MM-DD, for example 2027-02-06.', text=text)
        )
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        notices.append(
            _("Use a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )
        day = None
    return day


def _read_partner(notices: list[str]) -> Partner | None:
    slug = request.args.get("partner", "").strip()
    if not slug:
        return None
    partner = db.session.scalar(sa.select(Partner).where(Partner.slug == slug[:40]))
    if partner is None:
        notices.append(_('Unknown partner "%(value)s": searching all partners.', value=slug[:40]))
    return partner


def _read_kind(notices: list[str]) -> str:
    kind = request.args.get("kind", "").strip()
    if kind and kind not in MEETING_KINDS:
        notices.append(_('Unknown kind of meeting "%(value)s".', value=kind[:40]))
        return ""
    return kind


def read_filters(term: str) -> tuple[SearchFilters, list[str]]:
    """The filters of the request; bad ones are left out with a translated notice each."""
    notices: list[str] = []
    partner = _read_partner(notices)
    date_from, date_to = _read_date("from", notices), _read_date("to", notices)
    if date_from and date_to and date_from > date_to:
        notices.append(_("The first date is after the last one: the dates are swapped."))
        date_from, date_to = date_to, date_from
    ids = tuple(sorted(p.id for p in lineage(partner))) if partner else ()
    filters = SearchFilters(term, partner, ids, _read_kind(notices), date_from, date_to)
    return filters, notices


def _read_page() -> int:
    return page_number(request.args)


def _symbols_only_notice(term: str) -> list[str]:
    """A term of punctuation or symbols alone is searched as it is (``%`` or ``\\`` may be
    wanted), with a word that it is: such a term often finds almost every meeting."""
    if not term or any(char.isalnum() for char in term):
        return []
    return [
        _(
            "The search has no letters or digits, only punctuation or symbols: "
            "the meetings listed contain exactly these characters."
        )
    ]


@bp.route("/search")
@kept_page
def search():
    raw = request.args.get("q", "")
    term, shortened = normalized_term(raw)
    filters, notices = read_filters(term)
    if shortened:
        notices.append(
            _("Only the first %(n)d characters of the search were used.", n=MAX_TERM_LENGTH)
        )
    notices += _symbols_only_notice(term)
    page = search_history(filters, viewer_zone(), _read_page()) if term else None
    partners = db.session.scalars(sa.select(Partner).order_by(Partner.kr_code)).all()
    return render_template(
        "history/search/search.html",
        query=raw.strip()[:MAX_TERM_LENGTH],
        filters=filters,
        notices=notices,
        results=page,
        partners=partners,
        kinds=MEETING_KINDS,
    )
