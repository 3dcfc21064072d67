"""One search over partners and contacts, in Hangul, Hanzi or Latin letters."""

import sqlalchemy as sa

from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history.search.services import meeting_preview
from scheduler.partners.models import Partner

RESULT_LIMIT = 50


def _like_pattern(query: str) -> str:
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_everything(query: str) -> dict:
    """Partners and contacts whose names (any script) or e-mail contain *query*."""
    pattern = _like_pattern(query.strip())
    partners = db.session.scalars(
        sa.select(Partner)
        .where(Partner.search_text.like(pattern, escape="\\"))
        .order_by(Partner.kr_code)
        .limit(RESULT_LIMIT)
    ).all()
    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.search_text.like(pattern, escape="\\"))
        .order_by(Contact.is_active.desc(), Contact.family_name_ko, Contact.given_name_ko)
        .limit(RESULT_LIMIT)
    ).all()
    return {"partners": partners, "contacts": contacts, "meetings": meeting_preview(query)}
