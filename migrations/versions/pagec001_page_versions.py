"""page versions: one number drawn anew by every committed change a kept page could show

Revision ID: pagec001
Revises: poll0001
Create Date: 2026-12-07 06:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "pagec001"
down_revision = "poll0001"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "page_versions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_versions")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("page_versions")
