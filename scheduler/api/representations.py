"""Rows as the API shows them: names in every script, instants in UTC with Z next to the
planning zone, and nothing the caller's role may not see."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduler.auth.models import EDITOR_ROLES
from scheduler.i18n import erased_name, user_name
from scheduler.sides import LANGUAGES


def utc_text(moment: datetime | None) -> str | None:
    """*moment* (aware) as ISO 8601 in UTC with Z, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_text(moment: datetime, zone: str) -> str:
    """*moment* as ISO 8601 with the offset of *zone* at that instant."""
    return moment.astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()


def names(obj, field: str) -> dict[str, str]:
    """``{zh, ko, en}`` of *field* (``name`` → name_zh, name_ko, name_en); '' where missing."""
    return {lang: getattr(obj, f"{field}_{lang}", "") or "" for lang in LANGUAGES}


def may_see_contact_details(user) -> bool:
    """Contacts' e-mail addresses and phone numbers go to coordinators and administrators."""
    return user.role in EDITOR_ROLES


def partner_json(partner) -> dict:
    return {
        "slug": partner.slug,
        "name": names(partner, "name"),
        "seat": names(partner, "seat"),
        "kind": partner.kind,
        "iso_code": partner.iso_code,
        "kr_code": partner.kr_code,
        "timezone": partner.timezone,
        "valid_from": partner.valid_from,
        "valid_until": partner.valid_until,
        "successor": partner.successor.slug if partner.successor else None,
        "is_current": partner.is_current,
        "notes": {"zh": partner.notes_zh, "ko": partner.notes_ko},
        "working_hours": partner.working_hours,
    }


def contact_names(contact) -> dict[str, str]:
    """A contact's whole name in each script (a pseudonym once erased)."""
    if contact.erased_at is not None:
        return {lang: erased_name(contact.id, lang) for lang in LANGUAGES}
    latin = " ".join(p for p in (contact.romanized_given, contact.romanized_family.upper()) if p)
    return {
        "zh": contact.family_name_zh + contact.given_name_zh,
        "ko": contact.family_name_ko + contact.given_name_ko,
        "en": latin,
    }


def _person(participant, details: bool) -> dict:
    row = {"participant_id": participant.id, "role": participant.role, "partner": None}
    row["rsvp"] = participant.rsvp_status
    if participant.user is not None:
        user = participant.user
        row |= {"kind": "user", "id": user.id}
        row["name"] = {"zh": user_name(user, "zh"), "ko": user_name(user, "ko"), "en": ""}
    elif participant.contact is not None:
        contact = participant.contact
        row |= {"kind": "contact", "id": contact.id, "name": contact_names(contact)}
        row["partner"] = contact.partner.slug if contact.partner else None
        if details and contact.erased_at is None:
            row |= {"email": contact.email or "", "phone": contact.phone or ""}
    else:
        row |= {"kind": "guest", "id": None}
        row["name"] = {lang: participant.guest_name or "" for lang in LANGUAGES}
        if details:
            row["email"] = participant.guest_email or ""
    return row


def _added(participant) -> int:
    return participant.id


def participant_json(participant, viewer) -> dict:
    """One participant as *viewer* may see them."""
    return _person(participant, may_see_contact_details(viewer))


def conflict_json(conflict) -> dict:
    """A clash (scheduler.meetings.conflicts.Conflict): who or what, with which meeting, when."""
    other = conflict.meeting
    return {
        "kind": conflict.kind,
        "who": conflict.label,
        "overridable": not conflict.is_hard,
        "meeting": {
            "id": other.id,
            "title": names(other, "title"),
            "start": utc_text(other.start_dt),
            "end": utc_text(other.end_dt),
        },
    }


def meeting_json(meeting, viewer) -> dict:
    """The meeting as *viewer* (the token's user) may see it."""
    details = may_see_contact_details(viewer)
    organizer = meeting.organizer
    return {
        "id": meeting.id,
        "uid": meeting.uid,
        "kind": meeting.kind,
        "status": meeting.status,
        "title": names(meeting, "title"),
        "agenda": names(meeting, "agenda"),
        "start": utc_text(meeting.start_dt),
        "end": utc_text(meeting.end_dt),
        "timezone": meeting.timezone,
        "start_local": local_text(meeting.start_dt, meeting.timezone),
        "end_local": local_text(meeting.end_dt, meeting.timezone),
        "location": names(meeting, "location"),
        "platform": meeting.platform,
        "join_url": meeting.join_url,
        "meeting_code": meeting.meeting_code,
        "passcode": meeting.passcode,
        "host_side": meeting.host_side,
        "status_reason": meeting.status_reason,
        "partners": sorted(p.slug for p in meeting.partners),
        "organizer": {"zh": user_name(organizer, "zh"), "ko": user_name(organizer, "ko"), "en": ""},
        # In the order they were added: the database returns them in any order, and the
        # ETag (a hash of this representation) must not change with it.
        "participants": [_person(p, details) for p in sorted(meeting.participants, key=_added)],
        "version": meeting.version,
        "created_at": utc_text(meeting.created_at),
        "updated_at": utc_text(meeting.updated_at),
    }


def meeting_brief(meeting) -> dict:
    """What a list shows of a meeting: kind, status, title, and its times in UTC and on the
    clock of its planning zone."""
    return {
        "id": meeting.id,
        "kind": meeting.kind,
        "status": meeting.status,
        "title": names(meeting, "title"),
        "start": utc_text(meeting.start_dt),
        "end": utc_text(meeting.end_dt),
        "timezone": meeting.timezone,
        "start_local": local_text(meeting.start_dt, meeting.timezone),
        "end_local": local_text(meeting.end_dt, meeting.timezone),
    }
