"""Search over the exchange history: which meetings match a term, filtered, newest first.

A meeting matches when its document (titles, agendas, outcome; scheduler/history/search/index.py)
contains the term, or one of its partners' names or one of its contacts' names does (through
their ``search_text``). Terms are plain text: no wildcard or query syntax reaches SQL or FTS5.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from scheduler.agenda.grid import utc_bounds
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history.search import postgres
from scheduler.history.search.index import bigram_token, contains_any, normalize, query_bigrams
from scheduler.history.search.models import BIGRAM_TABLE, SearchDocument
from scheduler.history.search.names import named_by
from scheduler.history.search.synonyms import Expansion, expand
from scheduler.meetings.models import Meeting, Participant, meeting_partners
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.partners.models import Partner

MAX_TERM_LENGTH = 100
PER_PAGE = 20
PREVIEW_SIZE = 5


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


def _indexed(wanted: list[list[str]]) -> sa.Select:
    """Ids of the meetings whose documents hold every bigram of one of the lists in *wanted*
    (SQLite's FTS5 bigram index; one list per term)."""
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
    if db.session.get_bind().dialect.name != "sqlite":
        return sa.select(docs.c.meeting_id).where(contains_any(docs.c.body, terms))
    short, long = [t for t in terms if len(t) <= 2], [t for t in terms if len(t) > 2]
    selects = [_indexed([[term] for term in short])] if short else []
    if long:
        candidates = _indexed([query_bigrams(term) for term in long])
        rechecked = docs.c.meeting_id.in_(candidates), contains_any(docs.c.body, long)
        selects.append(sa.select(docs.c.meeting_id).where(*rechecked))
    return selects[0] if len(selects) == 1 else sa.select(sa.union(*selects).subquery().c[0])


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
    partner_ids, contact_ids = named_by(terms)
    found = []
    if partner_ids:
        linked = meeting_partners.c
        found.append(
            sa.exists().where(linked.meeting_id == Meeting.id, linked.partner_id.in_(partner_ids))
        )
    if contact_ids:
        taking_part = Participant.contact_id.in_(contact_ids)
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
    """Conditions on meetings: the partner (and its predecessors), the kind, the dates (from
    the first date's midnight to the last's end, in *zone*)."""
    conditions = []
    if filters.partner_ids:
        conditions.append(Meeting.id.in_(meeting_ids_with_partners(filters.partner_ids)))
    if filters.kind:
        conditions.append(Meeting.kind == filters.kind)
    if filters.date_from:
        day = filters.date_from
        conditions.append(Meeting.start_dt >= utc_bounds(day, day, zone)[0])
    if filters.date_to:
        conditions.append(Meeting.start_dt < utc_bounds(filters.date_to, filters.date_to, zone)[1])
    return conditions


def _meetings_matching(matching: _Matching, *columns) -> sa.Select:
    """``SELECT columns FROM meetings`` of the meetings *matching* selects.

    SQLite: ``+0`` keeps the planner from looking every match up by id and sorting them all,
    so it walks ix_meetings_start_end newest first and stops at the page (a common term
    matches most meetings).
    """
    meeting_id = Meeting.id + 0 if db.session.get_bind().dialect.name == "sqlite" else Meeting.id
    query = sa.select(*columns).select_from(Meeting)
    return query.where(sa.or_(meeting_id.in_(matching.documents), *matching.others))


def _count_of(matching: _Matching, conditions: list) -> sa.Select:
    if not conditions and not matching.others:  # every indexed id is a meeting
        return sa.select(sa.func.count()).select_from(matching.documents.subquery())
    return _meetings_matching(matching, sa.func.count()).where(*conditions)


def _page_ids(expansion: Expansion, conditions: list, page: int, per_page: int):
    """The ids on *page* (moved into range), the number of matches and the page number."""
    matching = _matching(expansion)
    total = db.session.scalar(_count_of(matching, conditions))
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    ordered = _meetings_matching(matching, Meeting.id).where(*conditions)
    ordered = ordered.order_by(Meeting.start_dt.desc(), Meeting.end_dt.desc(), Meeting.id.desc())
    ids = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    return ids, total, page


def search_history(filters: SearchFilters, zone: str, page: int = 1, per_page: int = PER_PAGE):
    """The *page* of meetings matching *filters* (dates in *zone*), newest first.

    A fixed number of statements whatever the page size: ids and count, then the page's
    meetings with their partners, outcomes and matching contacts loaded in bulk. PostgreSQL
    has a search of its own (search/postgres.py); SQLite and others share the one here.
    """
    expansion, conditions = expand(filters.term), _filter_conditions(filters, zone)
    if db.session.get_bind().dialect.name == "postgresql":
        ids, total, page = postgres.page_ids(expansion, conditions, page, per_page)
    else:
        ids, total, page = _page_ids(expansion, conditions, page, per_page)
    contacts = _matching_contacts(expansion.searched, ids)
    return SearchPage(_load(ids), total, page, per_page, filters.term, contacts, expansion)


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
        .where(Participant.meeting_id.in_(ids), contains_any(Contact.search_text, terms))
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
