"""History search on PostgreSQL: whatever a term matches is found in ``history_search_bigrams``.

Each row of that table lists a meeting's index terms (one or two characters of its document)
and a name token for each of its partners (``p:<id>``) and contacts (``c:<id>``) (see
search/index.py). A term of one or two characters, and every partner or contact whose name
holds the term, is then one GIN lookup (``grams && ARRAY[...]``); a longer term is narrowed
by its bigrams and rechecked in its document. So a common letter that is in almost every
document and names most partners (issue 18: "a") costs one index lookup, not a walk over
every meeting.

The page and the count are two statements. The page is read from ``meetings`` newest first:
for a common term the planner walks the start-time index backwards and stops after the page,
for a rare one it finds the few matches through the GIN index and sorts them. The count is
taken from the bigram table alone when nothing else narrows the search.
"""

import math
from collections.abc import Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from scheduler.db import UTCDateTime
from scheduler.extensions import db
from scheduler.history.search.index import contains_any, query_bigrams
from scheduler.history.search.models import BIGRAM_TABLE, SearchDocument
from scheduler.history.search.names import named_by
from scheduler.history.search.synonyms import Expansion
from scheduler.meetings.models import Meeting

# The bigram table (migration 5e1c0a7d9b42), with each meeting's times and name tokens.
PG_BIGRAMS = sa.table(
    BIGRAM_TABLE,
    sa.column("meeting_id"),
    sa.column("start_dt", UTCDateTime()),
    sa.column("end_dt", UTCDateTime()),
    sa.column("grams"),
)
_SET_CONFIG = sa.text(
    "SELECT set_config('enable_seqscan', :scan, true), set_config('jit', :jit, true)"
)


def _terms(values: Sequence[str]):
    return sa.bindparam(None, list(values), type_=postgresql.ARRAY(sa.Text))


def name_tokens(terms: Sequence[str]) -> list[str]:
    """The tokens of the partners and contacts whose names (any script) hold one of *terms*."""
    partner_ids, contact_ids = named_by(terms)
    return [f"p:{i}" for i in partner_ids] + [f"c:{i}" for i in contact_ids]


def matching_ids(terms: Sequence[str]) -> sa.Select:
    """Ids of the meetings whose document holds one of *terms* (normalized), or one of whose
    partners or contacts a term names.

    Each part is a lookup the GIN index answers alone (no row's array is read again): the
    terms of one or two characters and the name tokens together, then the longer terms by
    their bigrams, rechecked in their documents.
    """
    grams, docs = PG_BIGRAMS.c.grams, SearchDocument.__table__
    lookups = [t for t in terms if len(t) <= 2] + name_tokens(terms)
    parts = []
    if lookups:
        parts.append(sa.select(PG_BIGRAMS.c.meeting_id).where(grams.op("&&")(_terms(lookups))))
    if long := [t for t in terms if len(t) > 2]:
        held = [grams.op("@>")(_terms(query_bigrams(term))) for term in long]
        candidates = sa.select(PG_BIGRAMS.c.meeting_id).where(sa.or_(*held))
        rechecked = docs.c.meeting_id.in_(candidates), contains_any(docs.c.body, long)
        parts.append(sa.select(docs.c.meeting_id).where(*rechecked))
    return parts[0] if len(parts) == 1 else sa.select(sa.union(*parts).subquery().c[0])


def page_ids(expansion: Expansion, conditions: list, page: int, per_page: int):
    """The ids of the meetings on *page* (moved into range) that match *expansion* and meet
    *conditions*, newest first; the number of them, and the page number."""
    matched = matching_ids(expansion.searched)
    with _index_scans():
        total, meetings = db.session.execute(_count(matched, expansion, conditions)).one()
        page = min(max(page, 1), max(1, math.ceil(total / per_page)))
        if not (conditions or expansion.kinds) and _sparse(total, meetings):
            matched = sa.select(matched.cte("matches").prefix_with("MATERIALIZED"))
        newest = Meeting.start_dt.desc(), Meeting.end_dt.desc(), Meeting.id.desc()
        found = _found(matched, expansion)
        ordered = sa.select(Meeting.id).where(found, *conditions).order_by(*newest)
        ids = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)).all()
    return ids, total, page


def _found(matched: sa.Select, expansion: Expansion):
    """The condition on a meeting: among *matched*, or of a kind the term names."""
    found = Meeting.id.in_(matched)
    return sa.or_(found, Meeting.kind.in_(expansion.kinds)) if expansion.kinds else found


# The planner's own estimate of the number of meetings, which is all a choice of plan needs.
_MEETINGS_ESTIMATE = sa.text("(SELECT reltuples FROM pg_class WHERE oid = 'meetings'::regclass)")


def _count(matched: sa.Select, expansion: Expansion, conditions: list) -> sa.Select:
    """The number of matches, and the estimated number of meetings (for `_sparse`)."""
    columns = sa.func.count(), _MEETINGS_ESTIMATE
    if conditions or expansion.kinds:
        found = _found(matched, expansion)
        return sa.select(*columns).select_from(Meeting).where(found, *conditions)
    return sa.select(*columns).select_from(matched.subquery())  # each id is a meeting


def _sparse(total: int, meetings: float | None) -> bool:
    """Whether the *total* matches of an unfiltered search are few enough (under one meeting
    in ten of about *meetings*) to be found all at once through the GIN index and sorted,
    rather than by walking the meetings newest first and checking each.

    A check reads the meeting's row of the bigram table, about twenty times the cost of
    sorting one match, which the planner does not know: left to itself it walks hundreds of
    meetings for a page of a rare term. For a common term it walks (a first page) or joins
    all and sorts (a deep page), both rightly, and with filters it checks the meeting's own
    columns first.
    """
    return total * 10 < (meetings or 0)


@contextmanager
def _index_scans():
    """Read the bigram table through its GIN index only while searching.

    A common term is in most documents, so the planner would rather scan the table, not
    knowing that unpacking every row's array costs far more than the index does. The penalty
    this puts on scans would also make it JIT-compile, which is slower still. Both settings
    are put back afterwards (for this transaction only, as SET LOCAL).
    """
    before = db.session.execute(
        sa.text("SELECT current_setting('enable_seqscan') AS scan, current_setting('jit') AS jit")
    ).one()
    db.session.execute(_SET_CONFIG, {"scan": "off", "jit": "off"})
    yield
    db.session.execute(_SET_CONFIG, {"scan": before.scan, "jit": before.jit})
