"""Partners: a living list with validity periods and successors (DESIGN §1)."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import SearchableMixin, TimestampMixin
from scheduler.extensions import db
from scheduler.sides import PARTNER_ZONE

# The kinds of Korean first-level division, with their names for the reader.
KIND_NAMES = {
    "special_city": _l("Special city"),
    "metropolitan_city": _l("Metropolitan city"),
    "special_self_governing_city": _l("Special self-governing city"),
    "province": _l("Province"),
    "special_self_governing_province": _l("Special self-governing province"),
    "integrated_special_city": _l("Integrated special city"),
}
PARTNER_KINDS = tuple(KIND_NAMES)
# Other names people search a partner by: the merged city's statutory short name
# (domain-facts §6), in both scripts. Searched, never shown.
SEARCH_ALIASES = {"jeonnam-gwangju": ("光州特别市", "광주특별시", "Gwangju Special City")}


class Partner(SearchableMixin, TimestampMixin, db.Model):
    __tablename__ = "partners"
    __audited__ = True
    __table_args__ = (
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name="valid_period",
        ),
        sa.CheckConstraint("successor_id IS NULL OR successor_id <> id", name="not_own_successor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    iso_code: Mapped[str | None] = mapped_column(sa.String(10))
    kr_code: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(40))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    name_ko: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    seat_zh: Mapped[str] = mapped_column(sa.String(100), default="")
    seat_ko: Mapped[str] = mapped_column(sa.String(100), default="")
    seat_en: Mapped[str] = mapped_column(sa.String(100), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default=PARTNER_ZONE)
    # Default office hours of its people (scheduler.availability.hours text); NULL = by zone.
    working_hours: Mapped[str | None] = mapped_column(sa.String(200))
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    notes_zh: Mapped[str] = mapped_column(sa.Text, default="")
    notes_ko: Mapped[str] = mapped_column(sa.Text, default="")
    # Fields staff changed by hand; `flask seed` leaves them alone.
    edited_fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    successor: Mapped["Partner | None"] = relationship(
        remote_side=[id], back_populates="predecessors"
    )
    predecessors: Mapped[list["Partner"]] = relationship(back_populates="successor")
    # Contact (contacts) is in a package above this one: named as text, never imported (not even
    # for type checkers), so the layers hold.
    contacts = relationship("Contact", back_populates="partner", order_by="Contact.family_name_ko")

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    def search_terms(self) -> list[str]:
        names = [self.slug, self.name_zh, self.name_ko, self.name_en, self.iso_code or ""]
        return [*names, *SEARCH_ALIASES.get(self.slug, ())]

    def audit_label(self) -> str:
        return f"{self.name_zh} / {self.name_ko}"

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"
