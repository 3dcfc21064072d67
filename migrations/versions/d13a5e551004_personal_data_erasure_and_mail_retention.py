"""personal data: erased contacts, purged outbox bodies

Revision ID: d13a5e551004
Revises: d13a5e551002
Create Date: 2026-12-01 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = "d13a5e551004"
down_revision = "d13a5e551002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", scheduler.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_purged_at", scheduler.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("body_purged_at")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
