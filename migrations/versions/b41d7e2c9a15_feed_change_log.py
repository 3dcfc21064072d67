"""feed change log: which meetings each raise of the feed generation was about

Revision ID: b41d7e2c9a15
Revises: 5e1c0a7d9b42
Create Date: 2026-11-27 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b41d7e2c9a15'
down_revision = '5e1c0a7d9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_change_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_change_log'))
    )
    with op.batch_alter_table('feed_change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_change_log_generation'), ['generation'], unique=False)


def downgrade():
    with op.batch_alter_table('feed_change_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_change_log_generation'))
    op.drop_table('feed_change_log')
