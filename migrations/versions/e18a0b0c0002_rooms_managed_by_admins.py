"""rooms: English name, building, capacity, video equipment; unique names

Revision ID: e18a0b0c0002
Revises: e18a0b0c0001
Create Date: 2026-12-06 21:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e18a0b0c0002"
down_revision = "e18a0b0c0001"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (("name_en", 100), ("building", 100), ("video_notes", 200))
NAMED_KO = sa.text("name_ko <> ''")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    # Plain ALTER TABLE on SQLite too: a batch rebuild drops the rooms table, which meetings
    # reference (see fb2e7cd53075). SQLite takes the CHECK as part of the new column.
    for name, length in TEXT_COLUMNS:
        op.add_column(
            "rooms", sa.Column(name, sa.String(length), server_default="", nullable=False)
        )
    if _sqlite():
        op.execute(
            "ALTER TABLE rooms ADD COLUMN capacity INTEGER"
            " CONSTRAINT ck_rooms_capacity_positive CHECK (capacity IS NULL OR capacity > 0)"
        )
    else:
        op.add_column("rooms", sa.Column("capacity", sa.Integer(), nullable=True))
        op.create_check_constraint(
            op.f("ck_rooms_capacity_positive"), "rooms", "capacity IS NULL OR capacity > 0"
        )
    op.add_column(
        "rooms", sa.Column("has_video", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_index("ix_rooms_name_zh", "rooms", ["name_zh"], unique=True)
    op.create_index(
        "ix_rooms_name_ko",
        "rooms",
        ["name_ko"],
        unique=True,
        sqlite_where=NAMED_KO,
        postgresql_where=NAMED_KO,
    )


def downgrade():
    op.drop_index("ix_rooms_name_ko", table_name="rooms")
    op.drop_index("ix_rooms_name_zh", table_name="rooms")
    columns = ("has_video", "capacity", *(name for name, _length in TEXT_COLUMNS))
    if _sqlite():
        for column in columns:
            op.execute(f"ALTER TABLE rooms DROP COLUMN {column}")
        return
    op.drop_constraint(op.f("ck_rooms_capacity_positive"), "rooms", type_="check")
    for column in columns:
        op.drop_column("rooms", column)
