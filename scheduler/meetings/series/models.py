"""A recurring meeting: the rule, stored as Outlook-representable parts, and its own UID.

Each occurrence is a `Meeting` row with ``series_id`` and ``recurrence_start`` (its original
start in UTC, the RECURRENCE-ID), so conflicts, calendars and slots see it like any meeting.
"""

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import TimestampMixin
from scheduler.extensions import db
from scheduler.meetings.models import MeetingStatus
from scheduler.meetings.series.recurrence import Rule
from scheduler.sides import OFFICE_ZONE

if TYPE_CHECKING:  # the models these relationships name (imported for type checkers only)
    from scheduler.auth.models import User
    from scheduler.meetings.models import Meeting


class MeetingSeries(TimestampMixin, db.Model):
    __tablename__ = "meeting_series"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("freq IN ('weekly', 'monthly')", name="freq_known"),
        sa.CheckConstraint("repeat_interval BETWEEN 1 AND 52", name="interval_range"),
        sa.CheckConstraint(
            "(occurrence_count IS NULL AND until_date IS NOT NULL)"
            " OR (occurrence_count IS NOT NULL AND until_date IS NULL)",
            name="count_or_until",
        ),
        sa.CheckConstraint(
            "occurrence_count IS NULL OR occurrence_count BETWEEN 1 AND 500", name="count_range"
        ),
        sa.CheckConstraint(
            "month_day IS NULL OR month_day = -1 OR month_day BETWEEN 1 AND 28",
            name="month_day_range",
        ),
        sa.CheckConstraint(
            "week_of_month IS NULL OR week_of_month IN (1, 2, 3, 4, -1)", name="week_of_month"
        ),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 1440", name="duration_range"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The series' own iCalendar UID; occurrences are (uid, RECURRENCE-ID) pairs.
    uid: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: str(uuid.uuid4()))
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    freq: Mapped[str] = mapped_column(sa.String(10))
    repeat_interval: Mapped[int] = mapped_column(default=1)
    weekdays: Mapped[str] = mapped_column(sa.String(20), default="")  # "TU,TH" (RFC 5545 codes)
    month_day: Mapped[int | None]  # 1–28, or -1 for the last day
    week_of_month: Mapped[int | None]  # 1–4, or -1 for the last
    occurrence_count: Mapped[int | None]
    until_date: Mapped[date | None] = mapped_column(sa.Date)  # inclusive, planning zone's calendar
    timezone: Mapped[str] = mapped_column(sa.String(64), default=OFFICE_ZONE)
    start_date: Mapped[date] = mapped_column(sa.Date)  # the first occurrence (DTSTART)
    start_time: Mapped[time] = mapped_column(sa.Time)  # wall clock in `timezone`
    duration_minutes: Mapped[int]
    # Bumped when the rule or the set of cancelled dates (EXDATE) changes.
    sequence: Mapped[int] = mapped_column(default=0)
    # The optimistic lock, as on meetings (scheduler/meetings/models.py).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # "This and following" ends a series and starts a new one (with a new UID) from here.
    split_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_series.id"), index=True
    )

    __mapper_args__ = {"version_id_col": version}

    organizer: Mapped["User"] = relationship()
    split_from: Mapped["MeetingSeries | None"] = relationship(remote_side=[id])
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="series", order_by="Meeting.recurrence_start"
    )

    @property
    def rule(self) -> Rule:
        """The stored rule as the pure `Rule` the expansion works on."""
        return Rule(
            freq=self.freq,
            interval=self.repeat_interval,
            start_date=self.start_date,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
            zone=self.timezone,
            weekdays=tuple(filter(None, self.weekdays.split(","))),
            month_day=self.month_day,
            week_of_month=self.week_of_month,
            count=self.occurrence_count,
            until=self.until_date,
        )

    def set_rule(self, rule: Rule) -> None:
        """Store *rule* (already checked and anchored on its first occurrence)."""
        self.freq, self.repeat_interval = rule.freq, rule.interval
        self.weekdays = ",".join(rule.weekdays)
        self.month_day, self.week_of_month = rule.month_day, rule.week_of_month
        self.occurrence_count, self.until_date = rule.count, rule.until
        self.timezone, self.start_date = rule.zone, rule.start_date
        self.start_time, self.duration_minutes = rule.start_time, rule.duration_minutes

    def audit_label(self) -> str:
        return self.uid

    def template(self) -> "Meeting":
        """The occurrence whose content the series' master shows in calendars: the first
        date neither cancelled nor edited alone, else the first not cancelled, else the first."""
        rows = sorted(self.meetings, key=lambda m: m.recurrence_start)
        live = [m for m in rows if m.status != MeetingStatus.CANCELLED]
        return next((m for m in live if not m.is_exception), (live or rows)[0])

    def first_start_local(self) -> datetime:
        return datetime.combine(self.start_date, self.start_time)
