"""The people of a visit: the delegation and its hosts, guests entered by name, promotion of
a guest to a contact, and each itinerary item's vehicle and person in charge. Each change
flushes (the request commits) and is audited."""

from flask_babel import lazy_gettext as _l

from scheduler.audit.services import record
from scheduler.contacts.services import create_contact
from scheduler.extensions import db
from scheduler.sides import KOREA
from scheduler.visits.models import MEMBER_ROLES, NAME_SCRIPTS, ItemArrangement, VisitMember
from scheduler.visits.names import split_east_asian, split_latin
from scheduler.visits.services import VisitError
from scheduler.visits.signals import visit_changed

NAME_FIELDS = tuple(f"name_{script}" for script in NAME_SCRIPTS)
DETAIL_FIELDS = ("role", *NAME_FIELDS, "title_zh", "title_ko", "phone", "sort_order")


def add_member(visit, role: str, *, user=None, contact=None, **details) -> VisitMember:
    """Put a staff user, a partner contact or a guest (*details* with a name) on the visit.

    *details* may hold name_ko, name_zh, name_latin, title_zh, title_ko, phone, sort_order."""
    member = VisitMember()
    _apply(member, visit, {**details, "role": role}, user, contact)
    # Joined to the visit only once checked: reading the delegation for the check flushes,
    # and a member on the visit's list but not yet in the session would be left out (warned).
    member.visit = visit
    db.session.add(member)
    db.session.flush()
    visit_changed.send(visit, change="delegation")
    return member


def update_member(visit, member: VisitMember, details: dict, *, user=None, contact=None) -> None:
    """Change a person's names, title, role, phone, order or link (to a contact or a user)."""
    _apply(member, visit, details, user, contact)
    db.session.flush()
    visit_changed.send(visit, change="delegation")


def _apply(member: VisitMember, visit, details: dict, user, contact) -> None:
    _check(member, visit, details, user, contact)
    for name in DETAIL_FIELDS:
        if name in details:
            setattr(member, name, details[name] if details[name] is not None else "")
    member.sort_order = member.sort_order or 0
    member.user, member.contact = user, contact
    if user is not None or contact is not None:
        # The linked person's own record names them (and erasure reaches it there).
        for name in NAME_FIELDS:
            setattr(member, name, "")


def _check(member, visit, details: dict, user, contact) -> None:
    if user is not None and contact is not None:
        raise VisitError(_l("Choose a contact or a staff member."))
    if details.get("role", member.role) not in MEMBER_ROLES:
        raise VisitError(_l("Choose a role."))
    person = user if user is not None else contact
    if person is None and not any((details.get(name) or "").strip() for name in NAME_FIELDS):
        raise VisitError(
            _l("Enter the name in Hangul, Hanzi or Latin letters, or choose a person.")
        )
    if person is None:
        return
    if not person.is_active and person is not (member.user or member.contact):
        raise VisitError(_l("This person is inactive and cannot join the delegation."))
    if any(_same_person(m, user, contact) for m in visit.members if m is not member):
        raise VisitError(_l("This person is already on the delegation."))


def _same_person(member: VisitMember, user, contact) -> bool:
    if user is not None:
        return member.user_id == user.id
    return member.contact_id == contact.id


def remove_member(visit, member: VisitMember) -> None:
    """Take a person off the visit; the audit log keeps who it was. Items they were in charge
    of keep their vehicle and lose the person."""
    record(db.session, "remove_member", visit, {"member": [member.audit_label(), None]})
    for arrangement in db.session.scalars(
        db.select(ItemArrangement).where(ItemArrangement.contact_member_id == member.id)
    ):
        arrangement.contact_member = None
    visit.members.remove(member)
    db.session.flush()
    visit_changed.send(visit, change="delegation")


def promote_member(visit, member: VisitMember, partner):
    """Make a guest a contact of *partner* (one of the visit's) and link them; audited."""
    if not member.is_guest:
        raise VisitError(_l("This person is already a contact or a staff member."))
    if partner is None or partner not in visit.partners:
        raise VisitError(_l("Choose one of the visit's partners for the new contact."))
    before = member.audit_label()
    family_ko, given_ko = split_east_asian(member.name_ko) if member.name_ko else ("", "")
    family_zh, given_zh = split_east_asian(member.name_zh) if member.name_zh else ("", "")
    family_latin, given_latin = split_latin(member.name_latin)
    contact = create_contact(
        partner,
        {
            "family_name_ko": family_ko,
            "given_name_ko": given_ko,
            "family_name_zh": family_zh,
            "given_name_zh": given_zh,
            "romanized_family": family_latin,
            "romanized_given": given_latin,
            "title_ko": member.title_ko,
            "title_zh": member.title_zh,
            "phone": member.phone,
            "language": KOREA.language,
            "timezone": KOREA.zone,
        },
    )
    update_member(visit, member, {"phone": ""}, contact=contact)
    record(db.session, "promote_member", visit, {"member": [before, member.audit_label()]})
    return contact


def roster(visit) -> tuple[list[VisitMember], list[VisitMember]]:
    """The delegation and its hosts, each head first, then by role and the order given.

    Our staff host an inbound visit and travel on an outbound one; the partner's people the
    other way round."""
    ordered = sorted(visit.members, key=lambda m: (MEMBER_ROLES.index(m.role), m.sort_order, m.id))
    staff = [m for m in ordered if m.is_staff]
    partner_side = [m for m in ordered if not m.is_staff]
    return (staff, partner_side) if visit.direction == "outbound" else (partner_side, staff)


def arrangements(visit) -> dict[int, ItemArrangement]:
    """Each itinerary item's arrangement, by meeting id (items without one are left out)."""
    ids = [m.id for m in visit.meetings]
    if not ids:
        return {}
    rows = db.session.scalars(db.select(ItemArrangement).where(ItemArrangement.meeting_id.in_(ids)))
    return {row.meeting_id: row for row in rows}


def arrange_item(visit, meeting, vehicle: str, contact_member: VisitMember | None) -> None:
    """Set an item's vehicle and person in charge (one of the visit's people, or nobody)."""
    if contact_member is not None and contact_member.visit_id != visit.id:
        raise VisitError(_l("Choose one of the visit's people."))
    arrangement = db.session.get(ItemArrangement, meeting.id)
    if arrangement is None:
        if not vehicle and contact_member is None:
            return
        arrangement = ItemArrangement(meeting_id=meeting.id)
        db.session.add(arrangement)
    arrangement.vehicle = vehicle or ""
    arrangement.contact_member = contact_member
    db.session.flush()
