"""history search: name tokens of partners and contacts in PostgreSQL's bigram table (issue 18.11)

Each row of ``history_search_bigrams`` gains ``p:<partner id>`` and ``c:<contact id>`` for the
meeting's partners and contacts (see scheduler/history/search/index.py), so a term naming
them is one GIN lookup. SQLite's FTS5 index is unchanged (its search joins the names).
Downgrade takes the tokens out again. The GIN index is rebuilt once rather than updated
row by row.

Revision ID: srch0001
Revises: hook0001
Create Date: 2026-12-07 10:00:00.000000
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "srch0001"
down_revision = "hook0001"
branch_labels = None
depends_on = None

TERMS = "ARRAY(SELECT g FROM unnest(b.grams) AS g WHERE char_length(g) <= 2)"
NAMES = (
    " || ARRAY(SELECT 'p:' || partner_id FROM meeting_partners WHERE meeting_id = b.meeting_id)"
    " || ARRAY(SELECT 'c:' || contact_id FROM participants"
    " WHERE meeting_id = b.meeting_id AND contact_id IS NOT NULL)"
)


def _rewrite(grams: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_history_search_bigrams_grams")
    op.execute(f"UPDATE history_search_bigrams AS b SET grams = {grams}")  # noqa: S608
    op.execute(
        "CREATE INDEX ix_history_search_bigrams_grams ON history_search_bigrams USING gin (grams)"
    )
    op.execute("ANALYZE history_search_bigrams")


def upgrade():
    _rewrite(TERMS + NAMES)


def downgrade():
    _rewrite(TERMS)
