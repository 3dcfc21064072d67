"""The tables of the history search: one document per meeting, and the bigram index's name.

The bigram index itself is made by hand per database in migration 5e1c0a7d9b42 (see
`scheduler.history.search.index`), so autogenerate is told to leave it out.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.extensions import db

BIGRAM_TABLE = "history_search_bigrams"  # FTS5 on SQLite, a table with a GIN index on PostgreSQL


class SearchDocument(db.Model):
    """The normalized text of one meeting and its outcome (see `search.index`)."""

    __tablename__ = "history_search_documents"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(sa.Text)


def include_in_autogenerate(name, type_, _parent_names) -> bool:
    """Alembic's ``include_name``: leave out the bigram index migration 5e1c0a7d9b42 makes by
    hand per database (FTS5 and its shadow tables on SQLite, a GIN-indexed table on PostgreSQL)."""
    return not (type_ == "table" and (name or "").startswith(BIGRAM_TABLE))
