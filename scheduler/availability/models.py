"""Staff overrides of the public-holiday calendar (e.g. a 2027 make-up Saturday)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import TimestampMixin
from scheduler.extensions import db


class HolidayOverride(TimestampMixin, db.Model):
    """One day in one country that staff declared a holiday or a working day.

    It wins over the `holidays` package; deleting it returns the day to the package's answer.
    """

    __tablename__ = "holiday_overrides"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint("country IN ('CN', 'KR')", name="country_known"),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name="kind_known"),
        sa.UniqueConstraint("country", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(sa.CHAR(2))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(10))
    name_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    name_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    name_en: Mapped[str] = mapped_column(sa.String(100), default="")

    @property
    def names(self) -> dict[str, str]:
        return {"zh": self.name_zh or "", "ko": self.name_ko or "", "en": self.name_en or ""}

    def audit_label(self) -> str:
        return f"{self.country} {self.day.isoformat()} {self.kind}"

    def __repr__(self) -> str:
        return f"<HolidayOverride {self.country} {self.day} {self.kind}>"
