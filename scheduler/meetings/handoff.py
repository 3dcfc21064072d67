"""What arrives at the new-meeting form from elsewhere: a slot picked in "find a time" or a
"new meeting with …" link on a partner or contact page.

The link carries ``timezone``, ``start_local``, ``end_local``, ``people`` (``user:ID`` /
``contact:ID``, repeated) and ``partner`` (slugs, repeated). Anything that no longer fits
(a person deactivated since the search, an unknown id, a merged partner, a time that cannot
be read) is left out with a note for the user: the link is only a suggestion.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from scheduler import people
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.i18n import contact_label, localized, user_name
from scheduler.partners.models import Partner
from scheduler.timefmt import normalize_timezone

MAX_CARRIED = 50  # more people or partners than any meeting has: the rest is ignored


@dataclass
class HandOff:
    """The prefill for a new meeting and the notes about what was left out."""

    people: list = field(default_factory=list)  # active User / Contact rows, in link order
    partners: list[Partner] = field(default_factory=list)
    times: dict[str, datetime] = field(default_factory=dict)  # start_local / end_local
    timezone: str | None = None
    notes: list[str] = field(default_factory=list)


def _label(record) -> str:
    return contact_label(record) if isinstance(record, Contact) else user_name(record)


def resolve_people(keys: list[str]) -> tuple[list, list[str], int]:
    """The active people named by *keys*, notes naming the inactive ones left out, and how
    many keys named nobody (tampered or deleted)."""
    keys = list(dict.fromkeys(keys))[:MAX_CARRIED]
    found = people.resolve_many(keys, {"contact": [selectinload(Contact.partner)]})
    chosen, notes = [], []
    for key in filter(found.__contains__, keys):
        record = found[key]
        if record.is_active:
            chosen.append(record)
        else:
            name = _label(record)
            notes.append(_("%(person)s is no longer active and was left out.", person=name))
    return chosen, notes, len(keys) - len(found)


def _partners(slugs: list[str], chosen: list) -> tuple[list[Partner], list[str]]:
    """The current partners named by *slugs*, plus the partners of the chosen contacts."""
    slugs = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))[:MAX_CARRIED]
    rows = db.session.scalars(sa.select(Partner).where(Partner.slug.in_(slugs))).all()
    by_slug = {p.slug: p for p in rows}
    partners, notes = [], []
    for slug in slugs:
        partner = by_slug.get(slug)
        if partner is None:
            notes.append(_("The partner “%(slug)s” is unknown and was left out.", slug=slug))
        elif not partner.is_current:
            name = localized(partner, "name")
            notes.append(_("%(partner)s no longer exists as a partner and was left out.",
                           partner=name))  # fmt: skip
        else:
            partners.append(partner)
    for contact in (r for r in chosen if isinstance(r, Contact)):
        if contact.partner.is_current and contact.partner not in partners:
            partners.append(contact.partner)
    return partners, notes


def _times(args) -> tuple[dict[str, datetime], list[str]]:
    times, bad = {}, False
    for name in ("start_local", "end_local"):
        text = args.get(name)
        if not text:
            continue
        try:
            times[name] = datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            bad = True
    note = [_("The time in the link could not be read; please enter it.")] if bad else []
    return times, note


def read_handoff(args) -> HandOff:
    """The prefill a link's query *args* ask for, with notes on what was left out."""
    chosen, notes, unknown = resolve_people(args.getlist("people"))
    if unknown:
        notes.append(_("Some people in the link are unknown and were left out."))
    partners, partner_notes = _partners(args.getlist("partner"), chosen)
    times, time_notes = _times(args)
    zone = args.get("timezone")
    zone_notes = []
    if zone and not normalize_timezone(zone):
        zone_notes = [_("The time zone in the link is unknown; the office's zone is used.")]
    if args.getlist("poll_time"):  # "ask the partner which suits them" in the slot finder
        zone_notes.append(
            _("Save this draft: the times you ticked are then proposed to the people asked.")
        )
    return HandOff(
        people=chosen,
        partners=partners,
        times=times,
        timezone=normalize_timezone(zone) if zone else None,
        notes=notes + partner_notes + time_notes + zone_notes,
    )
