"""meetings.detached_from_series: occurrences a series no longer generates

Revision ID: e14f0a5e0001
Revises: b41d7e2c9a15
Create Date: 2026-12-06 20:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14f0a5e0001'
down_revision = 'b41d7e2c9a15'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE on SQLite too: a batch rebuild of meetings would cascade into
    # participants and meeting_partners (see fb2e7cd53075).
    op.add_column('meetings', sa.Column('detached_from_series', sa.Boolean(),
                                        server_default=sa.false(), nullable=False))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE meetings DROP COLUMN detached_from_series")
    else:
        op.drop_column('meetings', 'detached_from_series')
