"""Everything the app holds about one contact, as plain data (the JSON and the page).

Tokens are never part of it (only their hashes are stored, and those are left out too).
"""

from datetime import date, datetime
from email import message_from_bytes, policy

import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds.models import Feed
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.outcomes.services import OUTCOME_FIELDS
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings.models import Meeting, Participant
from scheduler.privacy.traces import PERSONAL_FIELDS, erased_address, full_names, mentions
from scheduler.visits.models import Visit, VisitMember

FORMAT = "cnkr-scheduler-personal-data/1"


def _iso(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _pick(row, names) -> dict:
    return {name: _iso(getattr(row, name)) for name in names}


def profile(contact: Contact) -> dict:
    """The contact row itself, with its partner named."""
    data = {"id": contact.id, **_pick(contact, PERSONAL_FIELDS)}
    data |= _pick(contact, ("language", "timezone", "is_active", "erased_at"))
    data |= _pick(contact, ("created_at", "updated_at"))
    partner = contact.partner
    data["partner"] = {"slug": partner.slug, "name_zh": partner.name_zh, "name_ko": partner.name_ko}
    return data


def _places(contact: Contact, link, parent, parent_id, start):
    """(link row, parent row) for each of the contact's places (in meetings, on visits)."""
    return db.session.execute(
        sa.select(link, parent)
        .join(parent, parent.id == parent_id)
        .where(link.contact_id == contact.id)
        .order_by(start, parent.id)
    )


def meetings(contact: Contact) -> list[dict]:
    """Each meeting they take part in, with their role and their answer to the invitation."""
    rows = _places(contact, Participant, Meeting, Participant.meeting_id, Meeting.start_dt)
    return [
        {
            "meeting_id": meeting.id,
            **_pick(meeting, ("title_zh", "title_ko", "title_en", "kind", "status")),
            "start": _iso(meeting.start_dt),
            "end": _iso(meeting.end_dt),
            **_pick(participant, ("role", "rsvp_status", "rsvp_at")),
        }
        for participant, meeting in rows
    ]


def visits(contact: Contact) -> list[dict]:
    """Each delegation visit they are on, with their role and their title on that visit."""
    rows = _places(contact, VisitMember, Visit, VisitMember.visit_id, Visit.start_date)
    return [
        {
            "visit_id": visit.id,
            **_pick(visit, ("title_zh", "title_ko", "title_en", "start_date", "end_date")),
            "role": member.role,
            "member_title_zh": member.title_zh,
            "member_title_ko": member.title_ko,
        }
        for member, visit in rows
    ]


def mail_rows(contact: Contact) -> list[OutboxMessage]:
    """The outbox rows addressed to them (by their address, or its stand-in once erased)."""
    addresses = [a for a in (contact.email, erased_address(contact.id)) if a]
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient.in_(addresses))
    return list(db.session.scalars(query.order_by(OutboxMessage.created_at, OutboxMessage.id)))


def body_text(raw: bytes) -> str | None:
    """The plain-text part of a stored message, or None once the body was purged."""
    if not raw:
        return None
    message = message_from_bytes(raw, policy=policy.default)
    part = message.get_body(("plain", "html"))
    # Stored with the wire's CRLF line ends; a reader (and JSON) wants plain newlines.
    return part.get_content().replace("\r\n", "\n") if part is not None else None


def mails(contact: Contact) -> list[dict]:
    """Mail sent (or to be sent) to them: metadata, and the body where still held."""
    names = ("kind", "subject", "status", "created_at", "sent_at", "attempts", "meeting_id")
    return [
        {
            "id": row.id,
            "recipient": row.recipient,
            **_pick(row, names),
            "body": body_text(row.raw),
            "body_purged_at": _iso(row.body_purged_at),
        }
        for row in mail_rows(contact)
    ]


def feeds(contact: Contact) -> list[Feed]:
    """Their calendar feeds, revoked ones included."""
    query = sa.select(Feed).where(Feed.contact_id == contact.id).order_by(Feed.id)
    return list(db.session.scalars(query))


def feed_data(contact: Contact) -> list[dict]:
    names = ("language", "created_at", "rotated_at", "revoked_at", "last_fetched_at")
    return [
        {"id": feed.id, **_pick(feed, names), "fetch_count": feed.fetch_count}
        for feed in feeds(contact)
    ]


def audit_query(contact: Contact) -> sa.Select:
    """Audit entries about them: their own row, their feeds and their places on visits."""
    feed_ids = sa.select(Feed.id).where(Feed.contact_id == contact.id)
    member_ids = sa.select(VisitMember.id).where(VisitMember.contact_id == contact.id)
    about = sa.or_(
        sa.and_(AuditEntry.object_type == "contacts", AuditEntry.object_id == contact.id),
        sa.and_(AuditEntry.object_type == "feeds", AuditEntry.object_id.in_(feed_ids)),
        sa.and_(AuditEntry.object_type == "visit_members", AuditEntry.object_id.in_(member_ids)),
    )
    return sa.select(AuditEntry).where(about).order_by(AuditEntry.at, AuditEntry.id)


def audit(contact: Contact) -> list[dict]:
    names = ("at", "action", "object_type", "object_id", "object_label", "user_id", "changes")
    return [{"id": e.id, **_pick(e, names)} for e in db.session.scalars(audit_query(contact))]


def _mentioning(contact: Contact, model, fields, words: list[str]) -> list:
    """Rows of *model* (outcomes, follow-ups) of their meetings whose *fields* name them."""
    attended = sa.select(Participant.meeting_id).where(Participant.contact_id == contact.id)
    query = sa.select(model).where(model.meeting_id.in_(attended)).order_by(model.id)
    return [
        row
        for row in db.session.scalars(query)
        if any(mentions(getattr(row, name), words) for name in fields)
    ]


def mentioning_outcomes(contact: Contact, words: list[str]) -> list[MeetingOutcome]:
    """Outcomes of their meetings whose text names them."""
    return _mentioning(contact, MeetingOutcome, OUTCOME_FIELDS, words)


def mentioning_follow_ups(contact: Contact, words: list[str]) -> list[FollowUp]:
    """Follow-up actions of their meetings whose title or notes name them."""
    return _mentioning(contact, FollowUp, ("title", "notes"), words)


def mentions_of(contact: Contact) -> dict:
    """Outcomes and follow-ups whose free text names them (by a whole name)."""
    words = full_names(contact) if contact.erased_at is None else []
    outcomes = mentioning_outcomes(contact, words) if words else []
    follow_ups = mentioning_follow_ups(contact, words) if words else []
    return {
        "outcomes": [{"meeting_id": o.meeting_id, **_pick(o, OUTCOME_FIELDS)} for o in outcomes],
        "follow_ups": [
            {"id": f.id, **_pick(f, ("meeting_id", "title", "notes", "status", "due_date"))}
            for f in follow_ups
        ],
    }


def personal_data(contact: Contact) -> dict:
    """The whole report, JSON-ready."""
    return {
        "format": FORMAT,
        "generated_at": _iso(now_utc()),
        "contact": profile(contact),
        "meetings": meetings(contact),
        "visits": visits(contact),
        "mails": mails(contact),
        "feeds": feed_data(contact),
        "audit": audit(contact),
        "mentions": mentions_of(contact),
    }
