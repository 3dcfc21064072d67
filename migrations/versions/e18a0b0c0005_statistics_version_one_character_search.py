"""statistics version; the search index also holds each document's characters

Revision ID: e18a0b0c0005
Revises: e18a0b0c0004
Create Date: 2026-12-07 01:00:00.000000

- ``statistics_changes``: one row whose number is drawn anew at the commit of any change the
  statistics count (scheduler/history/reports/changes.py); workers keep the figures of a version.
- The search index (scheduler/history/search/index.py) now holds every distinct character of a
  document beside its bigrams, so a one-character term is found through the index. The index
  is rebuilt here from the meetings (a contentless FTS5 row is forgotten only with its exact
  tokens, so old rows cannot be kept beside new ones).
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e18a0b0c0005"
down_revision = "e18a0b0c0004"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "statistics_changes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_changes")),
    )
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62)}])
    _rebuild_search_index()


def _rebuild_search_index():
    # The app's own indexer, so the tokens written are exactly those it later forgets.
    from scheduler.history.search.index import reindex

    reindex(op.get_bind())


def downgrade():
    # The older code forgets FTS5 rows by their bigrams alone: run its `flask --app scheduler
    # history reindex` after downgrading (this code would write the characters again).
    op.drop_table("statistics_changes")
