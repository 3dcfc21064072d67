"""The JSON of a meeting change read into what `scheduler.meetings.services` takes, checked
as the meeting forms check it (current partners, rooms on offer, a title in Chinese or
Korean); a field that does not fit is refused with its name (422)."""

from datetime import UTC

import sqlalchemy as sa

from scheduler import people
from scheduler.api.parsing import refuse
from scheduler.extensions import db
from scheduler.meetings.models import Meeting, Room
from scheduler.partners.services import get_partner

PLAIN_FIELDS = (
    "kind",
    "timezone",
    "platform",
    "join_url",
    "meeting_code",
    "passcode",
    "host_side",
    "tech_check_minutes",
)
NAMED_FIELDS = ("title", "agenda", "location")  # {"zh": …} → title_zh, …


def _room_id(ident: int | None, meeting: Meeting | None) -> int | None:
    """The room asked for: an active one, or the one the meeting has now (as the form)."""
    if ident is None:
        return None
    room = db.session.get(Room, ident)
    keeps = meeting is not None and meeting.room_id == ident
    if room is None or not (room.is_active or keeps):
        refuse("room", "invalid")
    return ident


def meeting_data(args: dict, meeting: Meeting | None = None) -> dict:
    """The service's field dict for the fields present in *args*."""
    data = {name: args[name] for name in PLAIN_FIELDS if name in args}
    for group in NAMED_FIELDS:
        for lang, value in (args.get(group) or {}).items():
            data[f"{group}_{lang}"] = value
    for name in ("start", "end"):
        if name in args:
            data[f"{name}_dt"] = args[name].astimezone(UTC)
    if "room" in args:
        data["room_id"] = _room_id(args["room"], meeting)
    if "reminder_offsets" in args:
        offsets = sorted(set(args["reminder_offsets"] or ()), reverse=True)
        data["reminder_offsets"] = ",".join(str(m) for m in offsets) or None
    titled = {k: data.get(k, getattr(meeting, k, "")) for k in ("title_zh", "title_ko")}
    if not any((v or "").strip() for v in titled.values()):
        refuse("title", "missing", 422)
    return data


def meeting_partners(slugs: list[str] | None, meeting: Meeting | None = None):
    """The partners named by *slugs* (None: unchanged): current ones, or ones the meeting
    already has (a partner merged since stays on its meetings)."""
    if slugs is None:
        return None
    kept = {p.slug for p in meeting.partners} if meeting is not None else set()
    found = []
    for index, slug in enumerate(slugs):
        partner = get_partner(slug)
        if partner is None or not (partner.is_current or slug in kept):
            refuse(f"partners.{index}", "invalid")
        if partner not in found:
            found.append(partner)
    return found


def person_of(row: dict, field: str) -> dict:
    """`add_participant`'s keyword arguments for a person of the JSON; 422 naming *field*
    when the user or contact does not exist."""
    if row["kind"] == people.GUEST:
        email = people.normalize_email(row["email"])
        return {"guest_email": email, "guest_name": row.get("name", "")}
    found = people.resolve(people.person_key(row["kind"], row["id"]))
    if found is None:
        refuse(f"{field}.id", "invalid")
    kind, record = found
    return {kind: record}


def lock_meeting(meeting_id: int) -> Meeting | None:
    """The meeting, its row locked for this transaction and read as committed now."""
    query = sa.select(Meeting).where(Meeting.id == meeting_id).with_for_update()
    return db.session.scalar(query.execution_options(populate_existing=True))
