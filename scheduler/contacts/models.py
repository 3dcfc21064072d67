"""Contacts at a partner. A contact referenced by anything is deactivated, never deleted."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import SearchableMixin, TimestampMixin, UTCDateTime
from scheduler.extensions import db
from scheduler.people import register_kind
from scheduler.sides import KOREA, LANGUAGES, PARTNER_ZONE

if TYPE_CHECKING:
    from scheduler.partners.models import Partner

# The same SQL text as the migration wrote, built from the one list of languages.
_KNOWN_LANGUAGES = ", ".join(f"'{code}'" for code in LANGUAGES)

# The columns a contact's name is made of (`i18n.person_name`), for lists that read plain rows.
NAME_FIELDS = (
    "family_name_zh",
    "given_name_zh",
    "family_name_ko",
    "given_name_ko",
    "romanized_family",
    "romanized_given",
)


class Contact(SearchableMixin, TimestampMixin, db.Model):
    __tablename__ = "contacts"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(f"language IN ({_KNOWN_LANGUAGES})", name="language_known"),
        sa.CheckConstraint(
            "family_name_ko <> '' OR family_name_zh <> '' OR romanized_family <> ''",
            name="has_a_name",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    family_name_ko: Mapped[str] = mapped_column(sa.String(50), default="")
    given_name_ko: Mapped[str] = mapped_column(sa.String(50), default="")
    family_name_zh: Mapped[str] = mapped_column(sa.String(50), default="")
    given_name_zh: Mapped[str] = mapped_column(sa.String(50), default="")
    romanized_family: Mapped[str] = mapped_column(sa.String(50), default="")
    romanized_given: Mapped[str] = mapped_column(sa.String(50), default="")
    title_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    title_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    department_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    department_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    language: Mapped[str] = mapped_column(sa.String(5), default=KOREA.language)
    timezone: Mapped[str] = mapped_column(sa.String(64), default=PARTNER_ZONE)
    # Own working hours (scheduler.availability.hours text); NULL = the partner's or the default.
    working_hours: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Set when the person's data was erased (scheduler/privacy): the row stays, so meetings and
    # statistics keep counting them, but every personal field is empty and pages show a
    # pseudonym in the reader's language (scheduler.i18n.person_name).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    partner: Mapped["Partner"] = relationship(back_populates="contacts")

    @property
    def romanized(self) -> str:
        """Family name first, as in the import/export column."""
        return " ".join(p for p in (self.romanized_family, self.romanized_given) if p)

    def search_terms(self) -> list[str]:
        if self.erased_at is not None:  # an erased person is found by nothing
            return []
        return [
            self.family_name_ko + self.given_name_ko,
            self.family_name_zh + self.given_name_zh,
            f"{self.romanized_family} {self.romanized_given}",
            f"{self.romanized_given} {self.romanized_family}",
            self.email or "",
        ]

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def audit_label(self) -> str:
        if self.is_erased:  # no name: the audit log must not hold personal data again
            return f"#{self.id}"
        ko = self.family_name_ko + self.given_name_ko
        return ko or self.family_name_zh + self.given_name_zh or self.romanized

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.family_name_ko}{self.given_name_ko}>"


register_kind("contact", Contact)
