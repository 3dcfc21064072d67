"""outbox: short leased claims, readable error codes, who caused a message

Revision ID: e18a0b0c0001
Revises: d13a5e551001
Create Date: 2026-12-15 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e18a0b0c0001"
down_revision = "d13a5e551001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("error_code", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("caused_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_caused_by_id_users"),
            "users",
            ["caused_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_caused_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("caused_by_id")
        batch_op.drop_column("error_code")
        batch_op.drop_column("claimed_by")
