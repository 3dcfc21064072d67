"""inbound replies: calendar messages read from the office mailbox

Revision ID: e14f0a5e0002
Revises: e18a0b0c0002
Create Date: 2026-12-02 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = "e14f0a5e0002"
down_revision = "e18a0b0c0002"
branch_labels = None
depends_on = None

STATUSES = (
    "applied",
    "stale",
    "unchanged",
    "proposed",
    "refreshed",
    "review",
    "applied_by_hand",
    "dismissed",
    "counter_accepted",
    "counter_declined",
)


def upgrade():
    op.create_table(
        "inbound_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("received_at", scheduler.db.UTCDateTime(), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("calendar_uid", sa.String(length=255), nullable=False),
        sa.Column("recurrence_id", scheduler.db.UTCDateTime(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("attendee", sa.String(length=254), nullable=False),
        sa.Column("partstat", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("proposed_start", scheduler.db.UTCDateTime(), nullable=True),
        sa.Column("proposed_end", scheduler.db.UTCDateTime(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", scheduler.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN (" + ", ".join(repr(s) for s in STATUSES) + ")",
            name=op.f("ck_inbound_replies_status_known"),
        ),
        sa.CheckConstraint(
            "proposed_end IS NULL OR proposed_end > proposed_start",
            name=op.f("ck_inbound_replies_proposal_ends_later"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"],
            name=op.f("fk_inbound_replies_meeting_id_meetings"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"],
            name=op.f("fk_inbound_replies_participant_id_participants"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["users.id"], name=op.f("fk_inbound_replies_handled_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_replies")),
        sa.UniqueConstraint("digest", name=op.f("uq_inbound_replies_digest")),
    )
    with op.batch_alter_table("inbound_replies", schema=None) as batch_op:
        for column in ("message_id", "meeting_id", "participant_id", "handled_by_id"):
            batch_op.create_index(batch_op.f(f"ix_inbound_replies_{column}"), [column])


def downgrade():
    with op.batch_alter_table("inbound_replies", schema=None) as batch_op:
        for column in ("handled_by_id", "participant_id", "meeting_id", "message_id"):
            batch_op.drop_index(batch_op.f(f"ix_inbound_replies_{column}"))
    op.drop_table("inbound_replies")
