"""feed change generation; feed bodies are no longer stored

Cached feed validators are checked against one counter raised by every change a feed could
show; the body bytes are the cached event blocks joined (kept in memory by each worker).

Revision ID: a7c3e91f0d42
Revises: c968f11526c6
Create Date: 2026-11-27 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = 'a7c3e91f0d42'
down_revision = 'c968f11526c6'
branch_labels = None
depends_on = None


def upgrade():
    changes = op.create_table('feed_changes',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_changes'))
    )
    op.bulk_insert(changes, [{'id': 1, 'generation': 1}])
    with op.batch_alter_table('feed_bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validated_as', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('valid_until', scheduler.db.UTCDateTime(), nullable=True))
        batch_op.drop_column('body')


def downgrade():
    op.execute('DELETE FROM feed_bodies')  # a cache: rebuilt on the next request
    with op.batch_alter_table('feed_bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.LargeBinary(), nullable=False))
        batch_op.drop_column('valid_until')
        batch_op.drop_column('validated_as')
    op.drop_table('feed_changes')
