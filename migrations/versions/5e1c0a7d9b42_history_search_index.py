"""history search index: one lower-cased document per meeting and a bigram index

Revision ID: 5e1c0a7d9b42
Revises: a7c3e91f0d42
Create Date: 2026-11-27 02:50:00.000000

The bigram index (scheduler/history/search_index.py) is made by hand per database and left out
of autogenerate (scheduler.history.search_index.include_in_autogenerate):
- SQLite: a contentless FTS5 table, rowid = meeting id, one ASCII token per bigram;
- PostgreSQL: a table of each meeting's times and bigrams (text[]) with a GIN index; no
  extension needed
  (pg_trgm could not serve two-character terms anyway).
Run `flask --app scheduler history reindex` after upgrading a database that holds meetings.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a7d9b42'
down_revision = 'a7c3e91f0d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('history_search_documents',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_history_search_documents_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_history_search_documents'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # detail=none: only which documents hold a bigram, no positions (substrings are rechecked).
        op.execute("CREATE VIRTUAL TABLE history_search_bigrams USING fts5("
                   "grams, content='', detail=none, columnsize=0)")
    elif dialect == "postgresql":
        op.execute(
            "CREATE TABLE history_search_bigrams ("
            " meeting_id integer NOT NULL CONSTRAINT pk_history_search_bigrams PRIMARY KEY"
            " CONSTRAINT fk_history_search_bigrams_meeting_id_meetings"
            " REFERENCES meetings (id) ON DELETE CASCADE,"
            " start_dt timestamp without time zone NOT NULL,"  # the meeting's, naive UTC
            " end_dt timestamp without time zone NOT NULL,"
            " grams text[] NOT NULL)"
            # Arrays go to TOAST, so the rows a GIN bitmap scan visits stay a few bytes wide.
            " WITH (toast_tuple_target = 128)"
        )
        op.execute("CREATE INDEX ix_history_search_bigrams_grams ON history_search_bigrams"
                   " USING gin (grams)")


def downgrade():
    op.execute("DROP TABLE IF EXISTS history_search_bigrams")
    op.drop_table('history_search_documents')
