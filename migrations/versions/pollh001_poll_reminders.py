"""time polls: when each person asked was last reminded; when staff heard the poll overran

Revision ID: pollh001
Revises: apiw0001
Create Date: 2026-12-07 06:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "pollh001"
down_revision = "apiw0001"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite too): a batch copy of `polls` would risk its partial index.
    op.add_column("poll_invitees", sa.Column("reminded_at", sa.DateTime(), nullable=True))
    op.add_column("polls", sa.Column("overdue_notified_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("polls", "overdue_notified_at")
    op.drop_column("poll_invitees", "reminded_at")
