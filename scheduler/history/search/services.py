"""Search over the exchange history: which meetings match a term, filtered, newest first.

A meeting matches when its document (titles, agendas, outcome; scheduler/history/search/index.py)
contains the term, or one of its partners' names or one of its contacts' names does (through
their ``search_text``). Terms are plain text: no wildcard or query syntax reaches SQL or FTS5.
"""

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload

from scheduler.agenda.grid import utc_bounds
from scheduler.contacts.models import Contact
from scheduler.db import UTCDateTime
from scheduler.extensions import db
from scheduler.history.search.index import bigram_token, display_text, normalize
from scheduler.history.search.models import BIGRAM_TABLE, SearchDocument
from scheduler.i18n import localized
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.partners.models import Partner
from scheduler.sides import LANGUAGES

MAX_TERM_LENGTH = 100
# A long term is narrowed by this many of its bigrams, then rechecked as a whole substring.
MAX_QUERY_BIGRAMS = 12
PER_PAGE = 20
PREVIEW_SIZE = 5
_SET_CONFIG = sa.text(
    "SELECT set_config('enable_seqscan', :scan, true), set_config('jit', :jit, true)"
)


@dataclass(frozen=True)
class SearchFilters:
    """What the user asked for, already checked (see search.views.read_filters)."""

    term: str  # normalized (search.index.normalize)
    partner: Partner | None = None
    partner_ids: tuple[int, ...] = ()  # the partner and its predecessors
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def args(self) -> dict:
        """The filters as query parameters, for links that keep them (pagination)."""
        values = {
            "partner": self.partner.slug if self.partner else "",
            "kind": self.kind,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class SearchPage:
    """One page of results, newest first."""

    meetings: list[Meeting]
    total: int
    page: int
    per_page: int
    term: str  # normalized, for highlighting
    # meeting id → its participants whose names contain the term
    contacts: dict[int, list[Contact]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def iter_pages(self, edge: int = 2, around: int = 2):
        """Page numbers for the pager (``_macros.pager``), None where some are left out."""
        previous = 0
        for number in range(1, self.pages + 1):
            near = abs(number - self.page) <= around
            if number <= edge or number > self.pages - edge or near:
                if number - previous > 1:
                    yield None
                yield number
                previous = number


def query_bigrams(term: str) -> list[str]:
    """Up to MAX_QUERY_BIGRAMS distinct bigrams of *term*, in their order in the term."""
    seen: list[str] = []
    for i in range(len(term) - 1):
        pair = term[i : i + 2]
        if pair not in seen:
            seen.append(pair)
    return seen[:MAX_QUERY_BIGRAMS]


# PostgreSQL's bigram table (migration 5e1c0a7d9b42), with each meeting's times.
PG_BIGRAMS = sa.table(
    BIGRAM_TABLE,
    sa.column("meeting_id"),
    sa.column("start_dt", UTCDateTime()),
    sa.column("end_dt", UTCDateTime()),
    sa.column("grams"),
)


def _indexed(pairs: list[str], dialect: str) -> sa.Select:
    """Ids of the meetings whose documents hold every bigram in *pairs* (the bigram index)."""
    if dialect == "postgresql":
        wanted = sa.bindparam("grams", pairs, type_=postgresql.ARRAY(sa.Text))
        return sa.select(PG_BIGRAMS.c.meeting_id).where(PG_BIGRAMS.c.grams.op("@>")(wanted))
    match = " ".join(f'"{bigram_token(pair)}"' for pair in pairs)
    return (
        sa.select(sa.literal_column("rowid").label("meeting_id"))
        .select_from(sa.table(BIGRAM_TABLE))
        .where(sa.literal_column(BIGRAM_TABLE).op("MATCH")(match))
    )


def _document_matches(term: str) -> sa.Select:
    """Meeting ids whose document contains *term*: bigram index first, then the exact substring.

    A term of one or two characters is one index term, so the index alone answers it
    exactly (no recheck).
    """
    docs = SearchDocument.__table__
    contains = docs.c.body.contains(term, autoescape=True)
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return sa.select(docs.c.meeting_id).where(contains)
    indexed = _indexed(query_bigrams(term) or [term], dialect)
    if len(term) <= 2:
        return indexed
    return sa.select(docs.c.meeting_id).where(docs.c.meeting_id.in_(indexed), contains)


def _name_matches(term: str) -> list[sa.Select]:
    """Meeting ids with a partner or a contact whose name (any script) contains *term*.

    The few matching partners and contacts are looked up first, so a term that names nobody
    leaves the meeting query as simple as the document match alone.
    """
    partner_ids = db.session.scalars(
        sa.select(Partner.id).where(Partner.search_text.contains(term, autoescape=True))
    ).all()
    has_contacts = sa.select(Contact.id).where(Contact.search_text.contains(term, autoescape=True))
    found = []
    if partner_ids:
        found.append(meeting_ids_with_partners(partner_ids))
    if db.session.scalar(has_contacts.limit(1)) is not None:
        found.append(
            sa.select(Participant.meeting_id).where(Participant.contact_id.in_(has_contacts))
        )
    return found


def _matching_ids(term: str, names: list[sa.Select]):
    """One select of the ids of every meeting matching *term*: its document or *names*."""
    selects = [_document_matches(term), *names]
    if len(selects) == 1:
        return selects[0]
    return sa.select(sa.union(*selects).subquery().c[0])


def _filter_conditions(filters: SearchFilters, zone: str) -> list:
    conditions = []
    if filters.partner_ids:
        conditions.append(Meeting.id.in_(meeting_ids_with_partners(filters.partner_ids)))
    if filters.kind:
        conditions.append(Meeting.kind == filters.kind)
    return conditions + _in_dates(Meeting.start_dt, filters, zone)


def _in_dates(start_dt, filters: SearchFilters, zone: str) -> list:
    """Conditions on *start_dt*: from the first date's midnight to the last's end, in *zone*."""
    conditions = []
    if filters.date_from:
        conditions.append(start_dt >= utc_bounds(filters.date_from, filters.date_from, zone)[0])
    if filters.date_to:
        conditions.append(start_dt < utc_bounds(filters.date_to, filters.date_to, zone)[1])
    return conditions


def _meetings_matching(matching, *columns) -> sa.Select:
    """``SELECT columns FROM meetings`` of the meetings whose ids *matching* selects.

    SQLite: ``+0`` keeps the planner from looking every match up by id and sorting them all,
    so it walks ix_meetings_start_end newest first and stops at the page (a common term
    matches most meetings). PostgreSQL: the matches are found once, through the GIN index
    (a MATERIALIZED CTE), and joined, instead of being probed row by row along the start
    index, which is slow when few meetings pass the filters.
    """
    query = sa.select(*columns).select_from(Meeting)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        found = matching.cte("matches").prefix_with("MATERIALIZED")
        return query.join(found, found.c[0] == Meeting.id)
    if dialect == "sqlite":
        return query.where((Meeting.id + 0).in_(matching))
    return query.where(Meeting.id.in_(matching))


def _count_of(matching, conditions: list) -> sa.Select:
    if not conditions:  # every indexed id is a meeting (documents go with their meeting)
        return sa.select(sa.func.count()).select_from(matching.subquery())
    return _meetings_matching(matching, sa.func.count()).where(*conditions)


def _page_ids(ordered: sa.Select, matching, conditions: list, page: int, per_page: int):
    """The ids on *page* (moved into range), the number of matches and the page number."""
    page = max(page, 1)
    if db.session.get_bind().dialect.name == "postgresql":
        # One pass over the matches gives both the page and the count.
        counted = ordered.add_columns(sa.func.count().over())
        rows = db.session.execute(counted.limit(per_page).offset((page - 1) * per_page)).all()
        if rows:
            return [row[0] for row in rows], rows[0][1], page
    total = db.session.scalar(_count_of(matching, conditions))
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    ids = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    return ids, total, page


def search_history(filters: SearchFilters, zone: str, page: int = 1, per_page: int = PER_PAGE):
    """The *page* of meetings matching *filters* (dates in *zone*), newest first.

    A fixed number of statements whatever the page size: ids and count, then the page's
    meetings with their partners, outcomes and matching contacts loaded in bulk.
    """
    names, conditions = _name_matches(filters.term), _filter_conditions(filters, zone)
    matching = _matching_ids(filters.term, names)
    if names or filters.partner_ids or filters.kind or not _pages_from_bigram_table(filters.term):
        ordered = _ordered(matching, conditions)
    else:
        ordered = _ordered_bigram_table(filters, zone)
    with _bigram_index_scans():
        ids, total, page = _page_ids(ordered, matching, conditions, page, per_page)
    contacts = _matching_contacts(filters.term, ids)
    return SearchPage(_load(ids), total, page, per_page, filters.term, contacts)


def _ordered(matching, conditions) -> sa.Select:
    return (
        _meetings_matching(matching, Meeting.id)
        .where(*conditions)
        .order_by(Meeting.start_dt.desc(), Meeting.end_dt.desc(), Meeting.id.desc())
    )


def _pages_from_bigram_table(term: str) -> bool:
    """On PostgreSQL a term of one or two characters (one index term) is paged from the
    bigram table alone."""
    return len(term) <= 2 and db.session.get_bind().dialect.name == "postgresql"


def _ordered_bigram_table(filters: SearchFilters, zone: str) -> sa.Select:
    """The ids of the meetings holding the one index term *filters.term*, newest first, read from
    the bigram table's own copy of the times: no join of every match to meetings."""
    table = PG_BIGRAMS
    wanted = sa.bindparam("grams", [filters.term], type_=postgresql.ARRAY(sa.Text))
    query = sa.select(table.c.meeting_id).where(
        table.c.grams.op("@>")(wanted), *_in_dates(table.c.start_dt, filters, zone)
    )
    return query.order_by(table.c.start_dt.desc(), table.c.end_dt.desc(), table.c.meeting_id.desc())


@contextmanager
def _bigram_index_scans():
    """On PostgreSQL, read the bigram table through its GIN index only while searching.

    A common term is in most documents, so the planner would rather scan the table, not
    knowing that unpacking every row's bigram array costs far more than the index does.
    The penalty this puts on scans would also make it JIT-compile, which is slower still.
    Both settings are put back afterwards (for this transaction only, as SET LOCAL).
    """
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = db.session.execute(
        sa.text("SELECT current_setting('enable_seqscan') AS scan, current_setting('jit') AS jit")
    ).one()
    db.session.execute(_SET_CONFIG, {"scan": "off", "jit": "off"})
    yield
    db.session.execute(_SET_CONFIG, {"scan": before.scan, "jit": before.jit})


def meeting_preview(text: str, limit: int = PREVIEW_SIZE) -> SearchPage:
    """The newest meetings matching *text*, for the one search box (no filters)."""
    return search_history(SearchFilters(normalized_term(text)[0]), "UTC", per_page=limit)


def _load(ids: list[int]) -> list[Meeting]:
    if not ids:
        return []
    loaded = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.id.in_(ids))
        .options(
            selectinload(Meeting.partners),
            selectinload(Meeting.outcome),
        )
    ).all()
    by_id = {meeting.id: meeting for meeting in loaded}
    return [by_id[i] for i in ids]


def _matching_contacts(term: str, ids: list[int]) -> dict[int, list[Contact]]:
    """Meeting id → the contacts taking part in it whose names contain *term*."""
    found: dict[int, list[Contact]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(Participant.meeting_id, Contact)
        .join(Participant, Participant.contact_id == Contact.id)
        .where(Participant.meeting_id.in_(ids), Contact.search_text.contains(term, autoescape=True))
        .order_by(Contact.family_name_ko, Contact.id)
    ).all()
    for meeting_id, contact in rows:
        found.setdefault(meeting_id, []).append(contact)
    return found


def normalized_term(text: str) -> tuple[str, bool]:
    """The normalized search term and whether it had to be shortened to MAX_TERM_LENGTH."""
    term = normalize(text)
    if len(term) <= MAX_TERM_LENGTH:
        return term, False
    return term[:MAX_TERM_LENGTH].strip(), True


def highlight(text: str, term: str) -> Markup:
    """*text* escaped, every case-insensitive occurrence of *term* wrapped in ``<mark>``."""
    shown = display_text(text)
    if not term:
        return escape(shown)
    parts, last = [], 0
    for found in re.finditer(re.escape(term), shown, re.IGNORECASE):
        parts += [escape(shown[last : found.start()]), Markup("<mark>"), escape(found.group())]
        parts.append(Markup("</mark>"))
        last = found.end()
    parts.append(escape(shown[last:]))
    return Markup("").join(parts)


def _snippet_fields(meeting, lang: str) -> list[str]:
    """The texts a snippet may come from, the viewer's language first (titles are shown apart)."""
    order = [lang] + [code for code in LANGUAGES if code != lang]
    texts = [getattr(meeting, f"agenda_{code}") for code in order]
    outcome = meeting.outcome
    if outcome is not None:
        texts += [getattr(outcome, f"summary_{code}", "") for code in order]
        texts += [outcome.minutes, outcome.decisions]
    texts += [getattr(meeting, f"title_{code}") for code in order]
    return [text for text in texts if text]


def snippet(meeting, term: str, lang: str, before: int = 60, after: int = 120) -> Markup | None:
    """A short excerpt around the first match of *term* outside the shown title, highlighted."""
    shown_title = normalize(localized(meeting, "title", lang))
    for text in _snippet_fields(meeting, lang):
        shown = display_text(text)
        found = re.search(re.escape(term), shown, re.IGNORECASE)
        if found is None or shown.lower() == shown_title:  # shown.lower() is normalize(text)
            continue
        start, end = max(0, found.start() - before), min(len(shown), found.end() + after)
        excerpt = highlight(shown[start:end], term)
        more = "…" if end < len(shown) else ""
        return Markup("{}{}{}").format("…" if start else "", excerpt, more)
    return None
