"""Whom a search term names: the partners and contacts whose names, in any script, hold it
(through their ``search_text``). Both databases' searches start from these few ids."""

from collections.abc import Sequence

import sqlalchemy as sa

from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history.search.index import contains_any
from scheduler.partners.models import Partner


def named_by(terms: Sequence[str]) -> tuple[list[int], list[int]]:
    """Ids of the partners and of the contacts whose names hold one of *terms* (normalized),
    in one statement."""
    partners = sa.select(sa.literal("p"), Partner.id)
    contacts = sa.select(sa.literal("c"), Contact.id)
    rows = db.session.execute(
        sa.union_all(
            partners.where(contains_any(Partner.search_text, terms)),
            contacts.where(contains_any(Contact.search_text, terms)),
        )
    ).all()
    partner_ids = sorted(i for kind, i in rows if kind == "p")
    return partner_ids, sorted(i for kind, i in rows if kind == "c")
