"""Partner directory: seeding, listing and staff edits."""

import csv
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.partners.models import Partner

SEED_FILE = Path(__file__).parent / "data" / "partners.csv"
SEEDED_FIELDS = (
    "iso_code",
    "kr_code",
    "kind",
    "name_zh",
    "name_ko",
    "name_en",
    "seat_zh",
    "seat_ko",
    "seat_en",
    "valid_from",
    "valid_until",
    "notes_zh",
    "notes_ko",
)
EDITABLE_FIELDS = (
    "name_zh",
    "name_ko",
    "name_en",
    "seat_zh",
    "seat_ko",
    "seat_en",
    "iso_code",
    "notes_zh",
    "notes_ko",
    "timezone",
    "working_hours",
)


def _seed_value(field: str, raw: str):
    if field in ("valid_from", "valid_until"):
        return date.fromisoformat(raw) if raw else None
    if field == "iso_code":
        return raw or None
    return raw


def seed_partners() -> tuple[int, int]:
    """Insert missing partners and refresh untouched fields. Returns (added, updated)."""
    with SEED_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    existing = {p.slug: p for p in db.session.scalars(sa.select(Partner))}
    added = updated = 0
    for row in rows:
        partner = existing.get(row["slug"])
        if partner is None:
            partner = existing[row["slug"]] = Partner(slug=row["slug"], edited_fields=[])
            db.session.add(partner)
            added += 1
        changed = _apply_seed_row(partner, row)
        updated += 1 if changed and partner.id else 0
    db.session.flush()
    for row in rows:
        _link_successor(existing[row["slug"]], existing.get(row["successor"]))
    db.session.flush()
    return added, updated


def _apply_seed_row(partner: Partner, row: dict) -> bool:
    changed = False
    for field in SEEDED_FIELDS:
        if field in (partner.edited_fields or []):
            continue
        value = _seed_value(field, row[field])
        if getattr(partner, field) != value:
            setattr(partner, field, value)
            changed = True
    return changed


def _link_successor(partner: Partner, successor: Partner | None) -> None:
    if "successor_id" in (partner.edited_fields or []):
        return
    new_id = successor.id if successor else None
    if partner.successor_id != new_id:
        partner.successor_id = new_id


def get_partner(slug: str) -> Partner | None:
    return db.session.scalar(sa.select(Partner).where(Partner.slug == slug))


# Contacts sit above partners (they import this package): the overview counts their rows
# through the table, as the lineage query below reads partners', without the model.
_CONTACT_ROWS = sa.table(
    "contacts", sa.column("id"), sa.column("partner_id"), sa.column("is_active", sa.Boolean)
)


def partner_overview() -> list[tuple[Partner, int]]:
    """Every partner with its count of active contacts, current ones first."""
    contacts = _CONTACT_ROWS
    active_count = (
        sa.select(sa.func.count(contacts.c.id))
        .where(contacts.c.partner_id == Partner.id, contacts.c.is_active.is_(True))
        .scalar_subquery()
    )
    query = sa.select(Partner, active_count).order_by(
        Partner.valid_until.is_not(None), Partner.kr_code
    )
    return [tuple(row) for row in db.session.execute(query)]


def update_partner(partner: Partner, data: dict) -> list[str]:
    """Apply a staff edit; remember which fields staff changed. Returns the changed fields."""
    changed = [f for f in EDITABLE_FIELDS if f in data and getattr(partner, f) != data[f]]
    for field in changed:
        setattr(partner, field, data[field])
    if changed:
        partner.edited_fields = sorted(set(partner.edited_fields or []) | set(changed))
    db.session.flush()
    return changed


# Two columns of partners, cheap to alias on every request (an ORM alias copies them all).
_PARTNER_LINKS = sa.table("partners", sa.column("id"), sa.column("successor_id"))


def lineage_ids_query(partner_id: int) -> sa.Select:
    """The ids of `lineage` as one recursive query, for use inside other statements (no
    load per generation of merged partners; UNION, not UNION ALL, so a cycle ends)."""
    links = _PARTNER_LINKS
    found = sa.select(links.c.id).where(links.c.id == partner_id).cte("lineage", recursive=True)
    earlier = links.alias("earlier")
    found = found.union(sa.select(earlier.c.id).where(earlier.c.successor_id == found.c.id))
    return sa.select(found.c.id)


def lineage(partner: Partner) -> list[Partner]:
    """The partner and all its predecessors, transitively (merged partners keep history)."""
    seen, stack = [], [partner]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        stack.extend(current.predecessors)
    return seen
