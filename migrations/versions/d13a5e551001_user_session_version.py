"""users.session_version: raising it signs the user out of every session and remember-me cookie

Revision ID: d13a5e551001
Revises: d13a5e551004
Create Date: 2026-12-06 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd13a5e551001'
down_revision = 'd13a5e551004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
