"""scheduler heartbeats and job counts, for /healthz and /metrics

Revision ID: e18a0b0c0003
Revises: e14f0a5e0002
Create Date: 2026-12-06 21:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = "e18a0b0c0003"
down_revision = "e14f0a5e0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("process", sa.String(length=120), nullable=False),
        sa.Column("started_at", scheduler.db.UTCDateTime(), nullable=False),
        sa.Column("beat_at", scheduler.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("process", name=op.f("pk_scheduler_heartbeats")),
    )
    with op.batch_alter_table("scheduler_heartbeats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduler_heartbeats_beat_at"), ["beat_at"], unique=False
        )
    op.create_table(
        "job_counts",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("last_at", scheduler.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job", "outcome", name=op.f("pk_job_counts")),
    )


def downgrade():
    op.drop_table("job_counts")
    with op.batch_alter_table("scheduler_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduler_heartbeats_beat_at"))
    op.drop_table("scheduler_heartbeats")
