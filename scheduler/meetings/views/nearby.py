"""Meetings shown on partner and contact pages (template globals: those packages sit below
meetings and cannot ask for them themselves)."""

from scheduler.db import now_utc
from scheduler.meetings import queries
from scheduler.meetings.blueprint import bp


@bp.app_template_global()
def partner_meetings(partner):
    """The partner's upcoming and recent meetings: ``(upcoming, recent)``."""
    return queries.partner_meetings(partner.id, now_utc())


@bp.app_template_global()
def contact_meetings(contact):
    """The contact's upcoming and recent meetings: ``(upcoming, recent)``."""
    return queries.contact_meetings(contact.id, now_utc())
