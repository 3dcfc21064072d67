"""Search over the exchange history: which meetings match a term, filtered, newest first.

A meeting matches when its document (titles, agendas, outcome; scheduler/history/search/index.py)
contains the term, or one of its partners' names or one of its contacts' names does (through
their ``search_text``). Terms are plain text: no wildcard or query syntax reaches SQL or FTS5.
"""

import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload

from scheduler.agenda.grid import utc_bounds
from scheduler.contacts.models import Contact
from scheduler.db import UTCDateTime
from scheduler.extensions import db
from scheduler.history.search.index import bigram_token, normalize
from scheduler.history.search.models import BIGRAM_TABLE, SearchDocument
from scheduler.history.search.synonyms import Expansion, expand
from scheduler.meetings.models import Meeting, Participant, meeting_partners
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.partners.models import Partner

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
    term: str  # normalized, as typed
    # meeting id → its participants whose names contain the term (or a synonym)
    contacts: dict[int, list[Contact]] = field(default_factory=dict)
    expansion: Expansion | None = None  # the synonyms and kinds searched too

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term searched, normalized: what the results mark."""
        return self.expansion.terms if self.expansion else (self.term,)

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


def _indexed(wanted: list[list[str]], dialect: str) -> sa.Select:
    """Ids of the meetings whose documents hold every bigram of one of the lists in *wanted*
    (the bigram index; one list per term)."""
    if dialect == "postgresql":
        array = postgresql.ARRAY(sa.Text)
        held = [PG_BIGRAMS.c.grams.op("@>")(sa.bindparam(None, p, type_=array)) for p in wanted]
        return sa.select(PG_BIGRAMS.c.meeting_id).where(sa.or_(*held))
    match = " OR ".join(
        "(" + " ".join(f'"{bigram_token(pair)}"' for pair in pairs) + ")" for pairs in wanted
    )
    return (
        sa.select(sa.literal_column("rowid").label("meeting_id"))
        .select_from(sa.table(BIGRAM_TABLE))
        .where(sa.literal_column(BIGRAM_TABLE).op("MATCH")(match))
    )


def _document_matches(terms: Sequence[str]) -> sa.Select:
    """Meeting ids whose document contains one of *terms*: bigram index first, then the exact
    substring.

    A term of one or two characters is one index term, so the index alone answers it
    exactly (no recheck). The terms of each sort are looked up together, in one index query.
    """
    docs = SearchDocument.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return sa.select(docs.c.meeting_id).where(_contains_any(docs.c.body, terms))
    short, long = [t for t in terms if len(t) <= 2], [t for t in terms if len(t) > 2]
    selects = [_indexed([[term] for term in short], dialect)] if short else []
    if long:
        candidates = _indexed([query_bigrams(term) for term in long], dialect)
        rechecked = docs.c.meeting_id.in_(candidates), _contains_any(docs.c.body, long)
        selects.append(sa.select(docs.c.meeting_id).where(*rechecked))
    return selects[0] if len(selects) == 1 else sa.select(sa.union(*selects).subquery().c[0])


def _contains_any(column, terms: Sequence[str]):
    return sa.or_(*(column.contains(term, autoescape=True) for term in terms))


@dataclass(frozen=True)
class _Matching:
    """Which meetings match a search: those whose ids *documents* selects (the index), and
    those meeting one of *others* (a partner's or contact's name, a kind the term names)."""

    documents: sa.Select
    others: tuple = ()


def _name_matches(terms: Sequence[str]) -> list:
    """Conditions on a meeting: one of its partners or contacts has a name (any script)
    containing one of *terms*.

    The few matching partners and contacts are looked up first, so terms that name nobody
    leave the meeting query as simple as the document match alone. Each is a correlated
    EXISTS, so a meeting is checked only when its document did not match already: a
    common letter names most partners and is in almost every document, and the sets of
    meetings joined (UNION) cost more than the whole page (issue 18).
    """
    partner_ids = db.session.scalars(
        sa.select(Partner.id).where(_contains_any(Partner.search_text, terms))
    ).all()
    has_contacts = sa.select(Contact.id).where(_contains_any(Contact.search_text, terms))
    found = []
    if partner_ids:
        linked = meeting_partners.c
        found.append(
            sa.exists().where(linked.meeting_id == Meeting.id, linked.partner_id.in_(partner_ids))
        )
    if db.session.scalar(has_contacts.limit(1)) is not None:
        taking_part = Participant.contact_id.in_(has_contacts.scalar_subquery())
        found.append(sa.exists().where(Participant.meeting_id == Meeting.id, taking_part))
    return found


def _matching(expansion: Expansion) -> _Matching:
    """What matches the expanded term: a document holding one of its words, a meeting of a
    kind it names, or one whose partners or contacts it names."""
    documents = _document_matches(expansion.searched)
    others = _name_matches(expansion.searched)
    if expansion.kinds:
        others.append(Meeting.kind.in_(expansion.kinds))
    return _Matching(documents, tuple(others))


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


def _meetings_matching(matching: _Matching, *columns) -> sa.Select:
    """``SELECT columns FROM meetings`` of the meetings *matching* selects.

    SQLite: ``+0`` keeps the planner from looking every match up by id and sorting them all,
    so it walks ix_meetings_start_end newest first and stops at the page (a common term
    matches most meetings). PostgreSQL: the matches are found once, through the GIN index
    (a MATERIALIZED CTE), and joined, instead of being probed row by row along the start
    index, which is slow when few meetings pass the filters.
    """
    query = sa.select(*columns).select_from(Meeting)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql" and not matching.others:
        found = matching.documents.cte("matches").prefix_with("MATERIALIZED")
        return query.join(found, found.c[0] == Meeting.id)
    meeting_id = Meeting.id + 0 if dialect == "sqlite" else Meeting.id
    return query.where(sa.or_(meeting_id.in_(matching.documents), *matching.others))


def _count_of(matching: _Matching, conditions: list) -> sa.Select:
    if not conditions and not matching.others:  # every indexed id is a meeting
        return sa.select(sa.func.count()).select_from(matching.documents.subquery())
    return _meetings_matching(matching, sa.func.count()).where(*conditions)


def _page_ids(ordered: sa.Select, matching: _Matching, conditions: list, page: int, per_page: int):
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
    expansion = expand(filters.term)
    matching, conditions = _matching(expansion), _filter_conditions(filters, zone)
    if matching.others or filters.partner_ids or filters.kind:
        ordered = _ordered(matching, conditions)
    elif _pages_from_bigram_table(filters.term):
        ordered = _ordered_bigram_table(filters, zone)
    else:
        ordered = _ordered(matching, conditions)
    with _bigram_index_scans():
        ids, total, page = _page_ids(ordered, matching, conditions, page, per_page)
    contacts = _matching_contacts(expansion.searched, ids)
    return SearchPage(_load(ids), total, page, per_page, filters.term, contacts, expansion)


def _ordered(matching: _Matching, conditions) -> sa.Select:
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


def _matching_contacts(terms: Sequence[str], ids: list[int]) -> dict[int, list[Contact]]:
    """Meeting id → the contacts taking part in it whose names contain one of *terms*."""
    found: dict[int, list[Contact]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(Participant.meeting_id, Contact)
        .join(Participant, Participant.contact_id == Contact.id)
        .where(Participant.meeting_id.in_(ids), _contains_any(Contact.search_text, terms))
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
