"""shared rate limits: limit_hits replaces login_failures

Revision ID: d13a5e551002
Revises: e14f0a5e0001
Create Date: 2026-12-01 09:00:00.000000

The failed sign-ins of the old table only counted for its 15-minute window: they are not
carried over (at worst an ongoing lock ends early).
"""
from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = 'd13a5e551002'
down_revision = 'e14f0a5e0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('limit_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('at', scheduler.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', scheduler.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_limit_hits'))
    )
    with op.batch_alter_table('limit_hits', schema=None) as batch_op:
        batch_op.create_index('ix_limit_hits_key_at', ['key', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_limit_hits_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_remote_addr'))
        batch_op.drop_index(batch_op.f('ix_login_failures_failed_at'))
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
    op.drop_table('login_failures')


def downgrade():
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('failed_at', scheduler.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_failed_at'), ['failed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_remote_addr'), ['remote_addr'], unique=False)

    with op.batch_alter_table('limit_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_limit_hits_expires_at'))
        batch_op.drop_index('ix_limit_hits_key_at')
    op.drop_table('limit_hits')
