"""edit versions (optimistic locking) and the calendar UID of each outbox invite

Revision ID: e18a0b0c0004
Revises: e18a0b0c0003
Create Date: 2026-12-06 23:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e18a0b0c0004"
down_revision = "e18a0b0c0003"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN with a default on both databases: no rebuild of meetings.
    for table in ("meetings", "meeting_series"):
        op.add_column(
            table, sa.Column("version", sa.Integer(), server_default="1", nullable=False)
        )
    op.add_column(
        "outbox_messages",
        sa.Column("calendar_uid", sa.String(length=255), server_default="", nullable=False),
    )
    op.create_index(
        "ix_outbox_messages_calendar", "outbox_messages", ["calendar_uid", "recipient"]
    )


def downgrade():
    # SQLite drops a plain column in place (no rebuild of meetings).
    op.drop_index("ix_outbox_messages_calendar", table_name="outbox_messages")
    op.drop_column("outbox_messages", "calendar_uid")
    for table in ("meeting_series", "meetings"):
        op.drop_column(table, "version")
