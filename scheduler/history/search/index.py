"""The history search index: one compact lower-cased document per meeting plus a bigram index.

A document holds a meeting's titles, agendas (zh/ko/en) and its outcome (summaries, minutes,
decisions), each field normalized (NFKC, lower case, runs of white space as one space) and
the fields joined by newlines, so a search term (which never holds a newline) cannot match
across two fields. Partner and contact names are not copied: the search matches them through
their own ``search_text`` columns, so renaming a partner needs no reindex.

Every substring of two characters or more is found through its character bigrams: a
document holding the term holds all of the term's bigrams. Trigram indexes (FTS5 trigram,
pg_trgm) cannot serve two-character Hangul/Hanzi terms such as ``협약``, so one bigram index
serves every length, and the candidates it finds are rechecked for the exact substring
(a two-character term is a single bigram: the index alone answers it exactly). The index
also holds each distinct character of the document (but white space, which no term is), so
a term of one character is one index term too, answered exactly without a scan of the
documents (a common character is in almost every document; scanning them cost ~200 ms at
50,000 meetings). "Bigrams" below means these index terms of one or two characters.
- SQLite: a contentless FTS5 table ``history_search_bigrams`` (rowid = meeting id) whose one
  column lists the document's distinct bigrams, each written as an ASCII token (hex code
  points), so no tokenizer ever splits or folds them and no user text reaches MATCH.
- PostgreSQL: a table ``history_search_bigrams`` (meeting id, the distinct bigrams as text[])
  with a GIN index; no extension (pg_trgm) and no privilege beyond creating tables needed.
  It also keeps the meeting's start and end (a moved meeting's row follows through
  ``meeting_changed`` too), and beside the text's terms a *name token* for each of the
  meeting's partners (``p:<id>``) and contacts (``c:<id>``): a term naming a partner or a
  contact is then one GIN lookup with the text's terms (search/postgres.py), instead of a
  walk over every meeting. Tokens are three characters or more, so no search term (one or
  two characters an index term) ever equals one; they follow the meeting's partners and
  participants at each flush (`_follow_names`). Names themselves are never copied, so
  renaming a partner or a contact still needs no reindex.
Both are made by hand in migration 5e1c0a7d9b42 and left out of autogenerate; migration
e18a0b0c0005 rebuilt them with the characters.

The index is kept in the same transaction as the change: listeners on ``meeting_changed`` and
``outcome_changed`` rewrite the meeting's document after the flush. Rows written around the
app (Core bulk inserts, a restore) are indexed by ``flask --app scheduler history reindex``.
"""

import functools
import re
import unicodedata
from itertools import chain

import sqlalchemy as sa

from scheduler.db import UTCDateTime, watch_every_session
from scheduler.extensions import db
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.outcomes.services import OUTCOME_FIELDS
from scheduler.history.search.models import BIGRAM_TABLE, SearchDocument
from scheduler.history.signals import outcome_changed
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.signals import meeting_changed, meetings_of

MEETING_FIELDS = ("title_zh", "title_ko", "title_en", "agenda_zh", "agenda_ko", "agenda_en")
_SPACES = re.compile(r"\s+")
REINDEX_BATCH = 500
# A long term is narrowed by this many of its bigrams, then rechecked as a whole substring.
MAX_QUERY_BIGRAMS = 12
# Writing to a contentless FTS5 table: a row is forgotten only when given its exact tokens.
FTS_INSERT = sa.text("INSERT INTO history_search_bigrams(rowid, grams) VALUES (:id, :g)")
FTS_DELETE = sa.text(
    "INSERT INTO history_search_bigrams(history_search_bigrams, rowid, grams)"
    " VALUES ('delete', :id, :g)"
)
FTS_CLEAR = sa.text(
    "INSERT INTO history_search_bigrams(history_search_bigrams) VALUES ('delete-all')"
)
# PostgreSQL keeps each meeting's times beside its bigrams, so a common two-character term
# is paged from this one table without joining every match to meetings (services.py).
_TIMES = (sa.bindparam("s", type_=UTCDateTime()), sa.bindparam("e", type_=UTCDateTime()))

# Beside the document's terms, the meeting's name tokens: its partners', then its contacts'.
PG_INSERT = sa.text(
    "INSERT INTO history_search_bigrams (meeting_id, start_dt, end_dt, grams)"
    " VALUES (:id, :s, :e, CAST(:g AS text[])"
    " || ARRAY(SELECT 'p:' || partner_id FROM meeting_partners WHERE meeting_id = :id)"
    " || ARRAY(SELECT 'c:' || contact_id FROM participants"
    " WHERE meeting_id = :id AND contact_id IS NOT NULL))"
).bindparams(*_TIMES)
# The document's terms (one or two characters) kept, the name tokens drawn again.
PG_NAMES = sa.text(
    "UPDATE history_search_bigrams AS b"
    " SET grams = ARRAY(SELECT g FROM unnest(b.grams) AS g WHERE char_length(g) <= 2)"
    " || ARRAY(SELECT 'p:' || partner_id FROM meeting_partners WHERE meeting_id = b.meeting_id)"
    " || ARRAY(SELECT 'c:' || contact_id FROM participants"
    " WHERE meeting_id = b.meeting_id AND contact_id IS NOT NULL)"
    " WHERE b.meeting_id IN :ids"
).bindparams(sa.bindparam("ids", expanding=True))
PG_MOVE = sa.text(
    "UPDATE history_search_bigrams SET start_dt = :s, end_dt = :e"
    " WHERE meeting_id = :id AND (start_dt <> :s OR end_dt <> :e)"
).bindparams(*_TIMES)
PG_DELETE = sa.text("DELETE FROM history_search_bigrams WHERE meeting_id = :id")
PG_CLEAR = sa.text("DELETE FROM history_search_bigrams")
PG_DROP_INDEX = sa.text("DROP INDEX IF EXISTS ix_history_search_bigrams_grams")
PG_CREATE_INDEX = sa.text(
    "CREATE INDEX ix_history_search_bigrams_grams ON history_search_bigrams USING gin (grams)"
)


def query_bigrams(term: str) -> list[str]:
    """Up to MAX_QUERY_BIGRAMS distinct bigrams of *term*, in their order in the term."""
    seen: list[str] = []
    for i in range(len(term) - 1):
        pair = term[i : i + 2]
        if pair not in seen:
            seen.append(pair)
    return seen[:MAX_QUERY_BIGRAMS]


def contains_any(column, terms):
    """SQL: *column* holds one of *terms* (plain substrings: no LIKE wildcard in them counts)."""
    return sa.or_(*(column.contains(term, autoescape=True) for term in terms))


def display_text(text: str) -> str:
    """*text* in NFKC with runs of white space as one space: what a snippet shows."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def normalize(text: str) -> str:
    """*text* as documents and terms store it: display_text() in lower case."""
    return display_text(text).lower()


def document_body(meeting, outcome=None) -> str:
    """The document of *meeting* (and its *outcome*, if any): one normalized field a line."""
    values = [getattr(meeting, field) for field in MEETING_FIELDS]
    if outcome is not None:
        values += [getattr(outcome, field) for field in OUTCOME_FIELDS]
    return "\n".join(v for v in (normalize(value) for value in values) if v)


def bigrams(text: str) -> set[str]:
    """The distinct two-character substrings of *text* that a search term can contain."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return {pair for pair in pairs if "\n" not in pair}


def index_terms(text: str) -> set[str]:
    """What the index holds for *text*: its bigrams and its distinct characters (a term is
    never white space, so none is kept)."""
    return bigrams(text) | {char for char in text if not char.isspace()}


@functools.lru_cache(maxsize=1 << 16)  # a reindex meets the same few thousand bigrams often
def bigram_token(pair: str) -> str:
    """An ASCII token for one index term (hex code points, ``x`` between two), safe from any
    FTS5 tokenizer or syntax."""
    return "x".join(format(ord(char), "x") for char in pair)


def _fts_grams(body: str) -> str:
    return " ".join(sorted(bigram_token(term) for term in index_terms(body)))


def _is_sqlite(connection) -> bool:
    return connection.dialect.name == "sqlite"


def write_document(connection, document: dict) -> None:
    """Store *document* (meeting_id, body, start_dt, end_dt) and update the bigram index."""
    table, meeting_id = SearchDocument.__table__, document["meeting_id"]
    old = connection.scalar(sa.select(table.c.body).where(table.c.meeting_id == meeting_id))
    if old == document["body"]:
        if connection.dialect.name == "postgresql":  # the meeting may have moved
            connection.execute(PG_MOVE, _pg_row(document))
        return
    if old is not None:
        connection.execute(table.delete().where(table.c.meeting_id == meeting_id))
        _forget_bigrams(connection, meeting_id, old)
    connection.execute(table.insert().values(meeting_id=meeting_id, body=document["body"]))
    _add_bigrams(connection, [document])


def _pg_text_array(items) -> str:
    """A PostgreSQL text[] literal of *items*, every element quoted (much faster to send than
    letting the driver adapt thousands of lists of strings during a reindex)."""
    quoted = (item.replace("\\", "\\\\").replace('"', '\\"') for item in sorted(items))
    return "{" + ",".join(f'"{item}"' for item in quoted) + "}"


def _pg_row(document: dict) -> dict:
    return {"id": document["meeting_id"], "s": document["start_dt"], "e": document["end_dt"]}


def _add_bigrams(connection, documents: list[dict]) -> None:
    if _is_sqlite(connection):
        rows = [{"id": d["meeting_id"], "g": _fts_grams(d["body"])} for d in documents]
        connection.execute(FTS_INSERT, rows)
    elif connection.dialect.name == "postgresql":
        rows = [{**_pg_row(d), "g": _pg_text_array(index_terms(d["body"]))} for d in documents]
        connection.execute(PG_INSERT, rows)


def _forget_bigrams(connection, meeting_id: int, old_body: str) -> None:
    if _is_sqlite(connection):
        # A contentless FTS5 table forgets a row only when given its exact tokens again.
        connection.execute(FTS_DELETE, {"id": meeting_id, "g": _fts_grams(old_body)})
    elif connection.dialect.name == "postgresql":
        connection.execute(PG_DELETE, {"id": meeting_id})


def forget_document(connection, meeting_id: int) -> None:
    """Drop the document of *meeting_id* and its bigrams (before the meeting is deleted)."""
    table = SearchDocument.__table__
    old = connection.scalar(sa.select(table.c.body).where(table.c.meeting_id == meeting_id))
    if old is None:
        return
    _forget_bigrams(connection, meeting_id, old)
    connection.execute(table.delete().where(table.c.meeting_id == meeting_id))


def _before_meeting_delete(_mapper, connection, meeting) -> None:
    # The FTS5 table has no foreign key: without this a deleted meeting's bigrams would stay.
    forget_document(connection, meeting.id)


def refresh_meeting(meeting) -> None:
    """Rewrite the document of *meeting* (already flushed) inside the current transaction."""
    if meeting.id is None or sa.inspect(meeting).deleted or sa.inspect(meeting).detached:
        return
    write_document(db.session.connection(), _document(meeting, meeting.outcome))


def _document(meeting, outcome) -> dict:
    """The row of *meeting* (an object or a Core row with its columns) and its *outcome*."""
    return {
        "meeting_id": meeting.id,
        "body": document_body(meeting, outcome),
        "start_dt": meeting.start_dt,
        "end_dt": meeting.end_dt,
    }


def reindex(connection) -> int:
    """Rebuild every document and the bigram index from the meetings; the number indexed."""
    connection.execute(SearchDocument.__table__.delete())
    if _is_sqlite(connection):
        connection.execute(FTS_CLEAR)
    elif connection.dialect.name == "postgresql":  # one bulk GIN build beats 50,000 updates
        connection.execute(PG_CLEAR)
        connection.execute(PG_DROP_INDEX)
    meetings, outcomes = Meeting.__table__, MeetingOutcome.__table__
    columns = [meetings.c.id, meetings.c.start_dt, meetings.c.end_dt]
    columns += [meetings.c[f] for f in MEETING_FIELDS]
    columns += [outcomes.c[f] for f in OUTCOME_FIELDS]
    query = sa.select(*columns).select_from(
        meetings.outerjoin(outcomes, outcomes.c.meeting_id == meetings.c.id)
    )
    total = 0
    for batch in connection.execute(query.order_by(meetings.c.id)).partitions(REINDEX_BATCH):
        _insert_batch(connection, batch)
        total += len(batch)
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        connection.execute(PG_CREATE_INDEX)
        # Fresh statistics of the rebuilt table: with none, the planner takes a character in
        # every document for a rare one and joins its matches row by row (minutes, not ms).
        connection.execute(sa.text(f"ANALYZE {BIGRAM_TABLE}"))
    return total


def _insert_batch(connection, rows) -> None:
    # An outer join: a meeting without an outcome has NULL outcome columns.
    documents = [_document(row, None if row.minutes is None else row) for row in rows]
    connection.execute(
        SearchDocument.__table__.insert(),
        [{"meeting_id": d["meeting_id"], "body": d["body"]} for d in documents],
    )
    _add_bigrams(connection, documents)


def _changed_names(session) -> set[int]:
    """Ids of the meetings whose partners or contacts this flush changed."""
    ids = set()
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, Participant) and not (
            item in session.dirty and not _changed(item, "contact_id")
        ):
            ids.add(item.meeting_id)
        elif isinstance(item, Meeting) and item in session.dirty and _names_changed(item):
            ids.add(item.id)
    return ids - {None}


def _names_changed(meeting) -> bool:
    # A participant taken off the list is deleted as an orphan: the list itself changed.
    return _changed(meeting, "partners") or _changed(meeting, "participants")


def _changed(item, attribute: str) -> bool:
    return sa.inspect(item).attrs[attribute].history.has_changes()


def _follow_names(session, _flush_context) -> None:
    # After each flush: participants and partners change in many places (forms, series,
    # RSVP, the API), and every one of them flushes.
    if session.get_bind().dialect.name == "postgresql" and (ids := _changed_names(session)):
        session.connection().execute(PG_NAMES, {"ids": sorted(ids)})


def _on_meeting_changed(sender, change: str = "", **details) -> None:
    for meeting in meetings_of(sender, details):
        refresh_meeting(meeting)


def _on_outcome_changed(sender, **_details) -> None:
    refresh_meeting(sender)


def register_search_index_listeners(app) -> None:
    """Keep the index in step with meetings and outcomes (idempotent: tests build many apps)."""
    meeting_changed.connect(_on_meeting_changed, weak=False)
    outcome_changed.connect(_on_outcome_changed, weak=False)
    if not sa.event.contains(Meeting, "before_delete", _before_meeting_delete):
        sa.event.listen(Meeting, "before_delete", _before_meeting_delete)
    watch_every_session([("after_flush", _follow_names)])
