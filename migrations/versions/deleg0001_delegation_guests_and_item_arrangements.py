"""delegation guests (names in three scripts, phone, order, driver); both clocks; item arrangements

Revision ID: deleg0001
Revises: e18a0b0c0005
Create Date: 2026-12-08 09:00:00.000000

- ``visit_members`` may now hold a guest with no contact or user row: names in Hangul, Hanzi
  and Latin (at least one, or a linked person), a phone for the trip, a sort order; the role
  list gains ``driver``. ``exactly_one_person`` becomes ``at_most_one_person`` + ``has_a_name``.
- ``visits.show_both_clocks``: the itinerary shows the other side's clock only when asked.
- ``visit_item_arrangements``: an itinerary item's vehicle and person in charge.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "deleg0001"
down_revision = "e18a0b0c0005"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('head', 'member', 'interpreter', 'liaison')"
NEW_ROLES = "role IN ('head', 'member', 'interpreter', 'liaison', 'driver')"
HAS_A_NAME = (
    "user_id IS NOT NULL OR contact_id IS NOT NULL "
    "OR name_ko <> '' OR name_zh <> '' OR name_latin <> ''"
)


def upgrade():
    with op.batch_alter_table("visit_members", schema=None) as batch_op:
        for name in ("name_ko", "name_zh", "name_latin"):
            batch_op.add_column(
                sa.Column(name, sa.String(length=100), server_default="", nullable=False)
            )
        batch_op.add_column(
            sa.Column("phone", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f("ck_visit_members_exactly_one_person"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_visit_members_role_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_visit_members_at_most_one_person"),
            "user_id IS NULL OR contact_id IS NULL",
        )
        batch_op.create_check_constraint(batch_op.f("ck_visit_members_has_a_name"), HAS_A_NAME)
        batch_op.create_check_constraint(batch_op.f("ck_visit_members_role_known"), NEW_ROLES)
    op.add_column(
        "visits",
        sa.Column("show_both_clocks", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "visit_item_arrangements",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("vehicle", sa.String(length=100), nullable=False),
        sa.Column("contact_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_member_id"],
            ["visit_members.id"],
            name=op.f("fk_visit_item_arrangements_contact_member_id_visit_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_visit_item_arrangements_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_visit_item_arrangements")),
    )
    with op.batch_alter_table("visit_item_arrangements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visit_item_arrangements_contact_member_id"),
            ["contact_member_id"],
            unique=False,
        )


def downgrade():
    op.drop_table("visit_item_arrangements")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("show_both_clocks")
    # Guests have no person row to fall back on: they go with the columns that named them.
    op.execute("DELETE FROM visit_members WHERE user_id IS NULL AND contact_id IS NULL")
    op.execute("UPDATE visit_members SET role = 'member' WHERE role = 'driver'")
    with op.batch_alter_table("visit_members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_visit_members_role_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_visit_members_has_a_name"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_visit_members_at_most_one_person"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_visit_members_role_known"), OLD_ROLES)
        batch_op.create_check_constraint(
            batch_op.f("ck_visit_members_exactly_one_person"),
            "(user_id IS NULL) <> (contact_id IS NULL)",
        )
        for name in ("sort_order", "phone", "name_latin", "name_zh", "name_ko"):
            batch_op.drop_column(name)
