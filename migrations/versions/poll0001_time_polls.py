"""time polls: candidate times for a draft meeting, the people asked and their answers

Revision ID: poll0001
Revises: api0001
Create Date: 2026-12-07 04:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "poll0001"
down_revision = "api0001"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("chosen_candidate_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'withdrawn')", name=op.f("ck_polls_status_known")
        ),
        sa.CheckConstraint(
            "(status = 'closed') = (chosen_candidate_id IS NOT NULL)",
            name=op.f("ck_polls_chosen_when_closed"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_polls_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_polls_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index(op.f("ix_polls_meeting_id"), "polls", ["meeting_id"])
    op.create_index(op.f("ix_polls_created_by_id"), "polls", ["created_by_id"])
    op.create_index(
        "ix_polls_one_open_per_meeting",
        "polls",
        ["meeting_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "poll_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("start_dt", sa.DateTime(), nullable=False),
        sa.Column("end_dt", sa.DateTime(), nullable=False),
        sa.CheckConstraint("end_dt > start_dt", name=op.f("ck_poll_candidates_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_candidates_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_candidates")),
        sa.UniqueConstraint("poll_id", "start_dt", name="uq_poll_candidates_poll_start"),
    )
    op.create_table(
        "poll_invitees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("none_work", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("proposal", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_invitees_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_poll_invitees_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_invitees")),
        sa.UniqueConstraint("poll_id", "participant_id", name="uq_poll_invitees_poll_participant"),
    )
    op.create_index(op.f("ix_poll_invitees_participant_id"), "poll_invitees", ["participant_id"])
    op.create_table(
        "poll_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "choice IN ('yes', 'if_need_be', 'no')", name=op.f("ck_poll_answers_choice_known")
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"],
            ["poll_invitees.id"],
            name=op.f("fk_poll_answers_invitee_id_poll_invitees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["poll_candidates.id"],
            name=op.f("fk_poll_answers_candidate_id_poll_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_answers")),
        sa.UniqueConstraint("invitee_id", "candidate_id", name="uq_poll_answers_invitee_candidate"),
    )
    op.create_index(op.f("ix_poll_answers_candidate_id"), "poll_answers", ["candidate_id"])


def downgrade():
    op.drop_table("poll_answers")
    op.drop_table("poll_invitees")
    op.drop_table("poll_candidates")
    op.drop_index("ix_polls_one_open_per_meeting", table_name="polls")
    op.drop_table("polls")
