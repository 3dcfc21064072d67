"""API idempotency keys (issue 17)

Revision ID: apiw0001
Revises: pagec001
Create Date: 2026-12-11 09:00:00.000000

``api_idempotency_keys``: per token and Idempotency-Key, the hash of the request and the
status, headers and body of its first answer (kept 24 hours); unique on (token, key).
"""

import sqlalchemy as sa
from alembic import op

from scheduler.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = "apiw0001"
down_revision = "pagec001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_api_idempotency_keys_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_keys")),
        sa.UniqueConstraint("token_id", "key", name="uq_api_idempotency_keys_token_key"),
    )
    with op.batch_alter_table("api_idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_idempotency_keys_created_at"), ["created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("api_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_idempotency_keys_created_at"))
    op.drop_table("api_idempotency_keys")
