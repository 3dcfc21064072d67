"""Erase a contact: personal data gone everywhere, the rows that count them kept.

The contact row stays (meetings, visits, outcomes and statistics keep counting the person);
every personal field is emptied and pages show a pseudonym made in the reader's language
(`scheduler.i18n.person_name`). Irreversible: nothing is kept aside to undo it.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.audit.models import AuditEntry
from scheduler.audit.services import record
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.feeds.services import revoke_feed
from scheduler.history.outcomes.services import OUTCOME_FIELDS
from scheduler.history.signals import outcome_changed
from scheduler.invites.outbox.retention import purge_body
from scheduler.invites.replies.models import InboundReply
from scheduler.privacy import report
from scheduler.privacy.traces import (
    PERSONAL_FIELDS,
    erased_address,
    full_names,
    replace_all,
    traces,
)
from scheduler.visits.models import VisitMember

MASK = "***"  # what the audit log shows for any erased value, as for secrets
MAX_REASON = 500
SCAN_BATCH = 1000


class ErasureError(UserError):
    """The erasure cannot be done as asked; *message* is translated for the user."""


def check_reason(reason: str | None) -> str:
    """The reason, trimmed; an ErasureError when it is missing or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_l("Give the reason for the erasure."), field="reason")
    if len(reason) > MAX_REASON:
        raise ErasureError(
            _l("The reason can be at most %(max)d characters long.", max=MAX_REASON),
            field="reason",
        )
    return reason


def erase_contact(contact: Contact, reason: str | None) -> None:
    """Erase *contact*'s personal data for good (flushes, never commits); audited."""
    if contact.erased_at is not None:
        raise ErasureError(_l("This contact has already been erased."), status=409)
    reason = check_reason(reason)
    words, placeholder = traces(contact), f"#{contact.id}"
    for feed in report.feeds(contact):
        revoke_feed(feed)
    _purge_mail(contact, words, placeholder)
    _scrub_replies(contact, words, placeholder)
    _scrub_mentions(contact, words, placeholder)
    _blank(contact)
    _scrub_audit(contact, words)
    record(db.session, "erase", contact, {"reason": reason})
    db.session.flush()


def _scrub_replies(contact: Contact, words: list[str], placeholder: str) -> None:
    """Calendar answers they mailed: address and comment gone, subject without their name."""
    address = (contact.email or "").strip().lower()
    if not address:
        return
    mentions = sa.or_(InboundReply.sender == address, InboundReply.attendee == address)
    for row in db.session.scalars(sa.select(InboundReply).where(mentions)):
        row.sender = row.attendee = erased_address(contact.id)
        row.comment = ""
        row.subject = replace_all(row.subject, words, placeholder)
    db.session.flush()


def _purge_mail(contact: Contact, words: list[str], placeholder: str) -> None:
    """Bodies gone, the address replaced; mail still waiting is never sent."""
    now = now_utc()
    for row in report.mail_rows(contact):
        if row.status in ("pending", "sending"):
            row.status, row.last_error = "failed", "recipient erased"
        purge_body(row, now)
        row.recipient = erased_address(contact.id)
        row.subject = replace_all(row.subject, words, placeholder)
    db.session.flush()


def _scrub_mentions(contact: Contact, words: list[str], placeholder: str) -> None:
    """Whole names in outcomes and follow-ups become ``#ID``; the search index follows."""
    names = full_names(contact)
    if not names:
        return
    for outcome in report.mentioning_outcomes(contact, names):
        for field in OUTCOME_FIELDS:
            setattr(outcome, field, replace_all(getattr(outcome, field), words, placeholder))
        db.session.flush()
        outcome_changed.send(outcome.meeting)
    for follow_up in report.mentioning_follow_ups(contact, names):
        follow_up.title = replace_all(follow_up.title, words, placeholder)
        follow_up.notes = replace_all(follow_up.notes, words, placeholder)
    db.session.flush()


def _blank(contact: Contact) -> None:
    for field in PERSONAL_FIELDS:
        setattr(contact, field, None if field in ("email", "working_hours") else "")
    # The name check of the contacts table wants one name: the language-neutral "#ID", which
    # nothing shows (person_name() gives the pseudonym once erased_at is set).
    contact.romanized_family = f"#{contact.id}"
    contact.is_active, contact.erased_at = False, now_utc()
    db.session.execute(
        sa.update(VisitMember)
        .where(VisitMember.contact_id == contact.id)
        .values(title_zh="", title_ko="", phone="")
    )
    db.session.flush()


def _scrub_audit(contact: Contact, words: list[str]) -> None:
    """Old and new values holding their data become ``***``, in their own entries and any
    other entry naming them (a place on a visit, a label)."""
    own = {e.id for e in db.session.scalars(report.audit_query(contact))}
    query = sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=SCAN_BATCH)
    for entry in db.session.scalars(query):
        changes = _masked_own(entry.changes) if entry.id in own else entry.changes
        changes = replace_all(changes, words, MASK)
        label = replace_all(entry.object_label, words, MASK)
        if entry.id in own and entry.object_type == "contacts":
            label = contact.audit_label()
        if changes != entry.changes or label != entry.object_label:
            entry.changes, entry.object_label = changes, label
    db.session.flush()


def _masked_own(changes: dict) -> dict:
    """An entry about the contact with every personal field's values masked."""
    return {
        key: [None if v is None else MASK for v in values]
        if key in PERSONAL_FIELDS and isinstance(values, list)
        else values
        for key, values in (changes or {}).items()
    }
