"""Visits and their delegation rosters. Dates are calendar days in the visit's place."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from scheduler.db import TimestampMixin, UTCDateTime, one_of, partner_link_table
from scheduler.extensions import db
from scheduler.sides import OFFICE_ZONE
from scheduler.visits.directions import VISIT_DIRECTIONS

if TYPE_CHECKING:  # the models these relationships name (imported for type checkers only)
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact
    from scheduler.meetings.models import Meeting
    from scheduler.partners.models import Partner

MEMBER_ROLES = ("head", "member", "interpreter", "liaison", "driver")
# The scripts a guest's name is written in: Hangul, Hanzi, Latin (passport spelling).
NAME_SCRIPTS = ("ko", "zh", "latin")
MAX_VISIT_DAYS = 60  # both ends included


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """``later - earlier`` in whole days; each database spells date arithmetic differently."""

    type = sa.Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


visit_partners = partner_link_table("visit_partners", "visits", db.metadata)


class Visit(TimestampMixin, db.Model):
    """A delegation coming to Changchun (inbound) or going to Korea (outbound)."""

    __tablename__ = "visits"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(one_of("direction", VISIT_DIRECTIONS), name="direction_known"),
        sa.CheckConstraint("end_date >= start_date", name="ends_on_or_after_start"),
        sa.CheckConstraint(
            days_between(sa.column("end_date"), sa.column("start_date")) < MAX_VISIT_DAYS,
            name="at_most_60_days",
        ),
        sa.CheckConstraint(
            "arrival_at IS NULL OR departure_at IS NULL OR departure_at > arrival_at",
            name="departs_after_arrival",
        ),
        sa.Index("ix_visits_dates", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(sa.String(10))
    title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    # The zone of the place visited: the itinerary's days and times are on its clock.
    timezone: Mapped[str] = mapped_column(sa.String(64), default=OFFICE_ZONE)
    arrival_flight: Mapped[str] = mapped_column(sa.String(20), default="")
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrival_airport: Mapped[str] = mapped_column(sa.String(100), default="")
    departure_flight: Mapped[str] = mapped_column(sa.String(20), default="")
    departure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    departure_airport: Mapped[str] = mapped_column(sa.String(100), default="")
    hotel_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    hotel_ko: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Both clocks on the itinerary; by default each item reads on the clock of its place only.
    show_both_clocks: Mapped[bool] = mapped_column(default=False)

    organizer: Mapped["User"] = relationship()
    partners: Mapped[list["Partner"]] = relationship(secondary=visit_partners)
    members: Mapped[list["VisitMember"]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="[VisitMember.sort_order, VisitMember.id]",
    )
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="visit", order_by="Meeting.start_dt", passive_deletes=True
    )

    def audit_label(self) -> str:
        return self.title_zh or self.title_ko or self.title_en or f"visit {self.id}"


class VisitMember(db.Model):
    """One person of a visit: a staff user (our side), a partner contact, or a guest entered
    with just a name (Hangul, Hanzi or Latin) and, later, maybe promoted to a contact."""

    __tablename__ = "visit_members"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("user_id IS NULL OR contact_id IS NULL", name="at_most_one_person"),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR contact_id IS NOT NULL "
            "OR name_ko <> '' OR name_zh <> '' OR name_latin <> ''",
            name="has_a_name",
        ),
        sa.CheckConstraint(one_of("role", MEMBER_ROLES), name="role_known"),
        sa.UniqueConstraint("visit_id", "user_id", name="uq_visit_members_visit_user"),
        sa.UniqueConstraint("visit_id", "contact_id", name="uq_visit_members_visit_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default="member")
    # A guest's own name, whole and family name first (a linked contact's name wins).
    name_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    name_latin: Mapped[str] = mapped_column(sa.String(100), default="")
    # The title on this visit; empty = the contact's own title.
    title_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    # A phone for this trip; empty = the contact's own phone.
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    # Order within the roles (a delegation lists by rank, which no field knows).
    sort_order: Mapped[int] = mapped_column(default=0)

    visit: Mapped[Visit] = relationship(back_populates="members")
    user: Mapped["User | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()

    @property
    def is_staff(self) -> bool:
        """True for our own staff: hosts of an inbound visit, the delegation of an outbound one."""
        return self.user_id is not None or self.user is not None

    @property
    def is_guest(self) -> bool:
        """True for a person known only by the names typed here (no contact, no user)."""
        return self.contact is None and self.contact_id is None and not self.is_staff

    def audit_label(self) -> str:
        if self.contact:
            who = self.contact.audit_label()
        elif self.user:
            who = self.user.email
        else:
            who = self.name_ko or self.name_zh or self.name_latin
        return f"{who} ({self.role})"


class ItemArrangement(db.Model):
    """How an itinerary item is got to and who answers for it: the vehicle and the person in
    charge (whose phone the itinerary prints). Kept beside the meeting, which knows no visit."""

    __tablename__ = "visit_item_arrangements"
    __audited__ = True

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    vehicle: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visit_members.id", ondelete="SET NULL"), index=True
    )

    contact_member: Mapped[VisitMember | None] = relationship()

    def audit_label(self) -> str:
        return f"meeting {self.meeting_id}"


# What a list shows of a visit (history list, calendar bars): read as plain rows.
VISIT_LIST_COLUMNS = (
    Visit.id,
    Visit.direction,
    Visit.title_zh,
    Visit.title_ko,
    Visit.title_en,
    Visit.start_date,
    Visit.end_date,
)
