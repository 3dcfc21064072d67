"""visits and delegation members

Revision ID: a58b37a6e96c
Revises: 49acb7a623ad
Create Date: 2026-11-26 23:37:58.167285

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa

import scheduler.db


# revision identifiers, used by Alembic.
revision = 'a58b37a6e96c'
down_revision = '49acb7a623ad'
branch_labels = None
depends_on = None


def _days_between(later: str, earlier: str) -> str:
    """Whole days between two DATE columns, as scheduler.visits.models.days_between renders it."""
    if op.get_bind().dialect.name == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def upgrade():
    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_ko', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('arrival_flight', sa.String(length=20), nullable=False),
    sa.Column('arrival_at', scheduler.db.UTCDateTime(), nullable=True),
    sa.Column('arrival_airport', sa.String(length=100), nullable=False),
    sa.Column('departure_flight', sa.String(length=20), nullable=False),
    sa.Column('departure_at', scheduler.db.UTCDateTime(), nullable=True),
    sa.Column('departure_airport', sa.String(length=100), nullable=False),
    sa.Column('hotel_zh', sa.String(length=200), nullable=False),
    sa.Column('hotel_ko', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', scheduler.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', scheduler.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("direction IN ('inbound', 'outbound')", name=op.f('ck_visits_direction_known')),
    sa.CheckConstraint(_days_between('end_date', 'start_date') + ' < 60', name=op.f('ck_visits_at_most_60_days')),
    sa.CheckConstraint('arrival_at IS NULL OR departure_at IS NULL OR departure_at > arrival_at', name=op.f('ck_visits_departs_after_arrival')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_visits_ends_on_or_after_start')),
    sa.ForeignKeyConstraint(['organizer_id'], ['users.id'], name=op.f('fk_visits_organizer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_dates', ['start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_organizer_id'), ['organizer_id'], unique=False)

    op.create_table('visit_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('title_zh', sa.String(length=100), nullable=False),
    sa.Column('title_ko', sa.String(length=100), nullable=False),
    sa.CheckConstraint("role IN ('head', 'member', 'interpreter', 'liaison')", name=op.f('ck_visit_members_role_known')),
    sa.CheckConstraint('(user_id IS NULL) <> (contact_id IS NULL)', name=op.f('ck_visit_members_exactly_one_person')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_visit_members_contact_id_contacts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visit_members_user_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_members_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_members')),
    sa.UniqueConstraint('visit_id', 'contact_id', name='uq_visit_members_visit_contact'),
    sa.UniqueConstraint('visit_id', 'user_id', name='uq_visit_members_visit_user')
    )
    with op.batch_alter_table('visit_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_members_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_members_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_members_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_partners',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_visit_partners_partner_id_partners')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_partners_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', 'partner_id', name=op.f('pk_visit_partners'))
    )
    with op.batch_alter_table('visit_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_partners_partner_id'), ['partner_id'], unique=False)

    _add_meetings_visit_id()
    op.create_index(op.f('ix_meetings_visit_id'), 'meetings', ['visit_id'], unique=False)


def _add_meetings_visit_id():
    if op.get_bind().dialect.name == "sqlite":
        with _rebuilding_meetings_on_sqlite() as batch_op:
            batch_op.add_column(sa.Column('visit_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key('fk_meetings_visit_id_visits', 'visits',
                                        ['visit_id'], ['id'], ondelete='SET NULL')
        return
    op.add_column('meetings', sa.Column('visit_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_meetings_visit_id_visits'), 'meetings', 'visits',
                          ['visit_id'], ['id'], ondelete='SET NULL')


@contextmanager
def _rebuilding_meetings_on_sqlite():
    """A batch rebuild of meetings that keeps participants and meeting_partners.

    Rebuilding drops the old meetings table; with foreign keys on, that DELETE cascades into
    the child tables. SQLite's own recipe (ALTER TABLE, "other kinds of table schema changes")
    switches foreign keys off first, which only works outside a transaction: so the work so
    far is committed, the rebuild runs in a transaction of its own and is checked, and the
    migration carries on in a new transaction.
    """
    bind = op.get_bind()
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    try:
        with op.batch_alter_table('meetings', recreate='always') as batch_op:
            yield batch_op
        if bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError("rebuilding meetings broke a foreign key")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    else:
        bind.exec_driver_sql("COMMIT")
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN")


def downgrade():
    op.drop_index(op.f('ix_meetings_visit_id'), table_name='meetings')
    if op.get_bind().dialect.name == "sqlite":
        with _rebuilding_meetings_on_sqlite() as batch_op:
            batch_op.drop_constraint('fk_meetings_visit_id_visits', type_='foreignkey')
            batch_op.drop_column('visit_id')
    else:
        op.drop_constraint(op.f('fk_meetings_visit_id_visits'), 'meetings', type_='foreignkey')
        op.drop_column('meetings', 'visit_id')

    with op.batch_alter_table('visit_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_partners_partner_id'))

    op.drop_table('visit_partners')
    with op.batch_alter_table('visit_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_members_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_visit_members_contact_id'))

    op.drop_table('visit_members')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_organizer_id'))
        batch_op.drop_index('ix_visits_dates')

    op.drop_table('visits')
