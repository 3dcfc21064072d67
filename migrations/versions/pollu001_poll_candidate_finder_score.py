"""poll candidates: the slot finder's score when a candidate came from its suggestions

Revision ID: pollu001
Revises: pollh001
Create Date: 2026-12-07 06:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "pollu001"
down_revision = "pollh001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("poll_candidates") as batch:
        batch.add_column(sa.Column("finder_score", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("poll_candidates") as batch:
        batch.drop_column("finder_score")
