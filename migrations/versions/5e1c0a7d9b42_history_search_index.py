"""history search index: one lower-cased document per meeting and a bigram index

Revision ID: 5e1c0a7d9b42
Revises: c968f11526c6
Create Date: 2026-11-27 02:50:00.000000

SQLite: a contentless FTS5 table of character bigrams (rowid = meeting id), written by
scheduler/history/search_index.py. PostgreSQL: a GIN index over the bigrams of each document,
computed by an immutable SQL function, so no extension (pg_trgm) and no privileges beyond
CREATE on the schema are needed. Run `flask --app scheduler history reindex` after upgrading a
database that already holds meetings.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a7d9b42'
down_revision = 'c968f11526c6'
branch_labels = None
depends_on = None

# COST: computing it is expensive; the planner must read the GIN index, not call it per row.
PG_BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION history_search_bigrams(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100000 AS $$
  SELECT coalesce(array_agg(DISTINCT substr(body, i, 2)), '{}')
  FROM generate_series(1, length(body) - 1) AS i
$$
"""


def upgrade():
    op.create_table('history_search_documents',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_history_search_documents_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_history_search_documents'))
    )
    if op.get_bind().dialect.name == "sqlite":
        # detail=none: only which documents hold a bigram, no positions (substring is rechecked).
        op.execute("CREATE VIRTUAL TABLE history_search_bigrams USING fts5("
                   "grams, content='', detail=none, columnsize=0)")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(PG_BIGRAMS_FUNCTION)
        op.execute("CREATE INDEX ix_history_search_documents_bigrams ON history_search_documents"
                   " USING gin (history_search_bigrams(body))")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS history_search_bigrams")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_history_search_documents_bigrams")
    op.drop_table('history_search_documents')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS history_search_bigrams(text)")
