"""Delegation visits (read): the list, and one visit with its delegation, hosts and
itinerary (each item on the clock of its place), through the visit pages' queries."""

from flask_login import current_user

from scheduler.api.etags import row_or_404
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.read_schemas import VisitListSchema, VisitSchema
from scheduler.api.representations import (
    contact_names,
    local_text,
    may_see_contact_details,
    meeting_brief,
    names,
    utc_text,
)
from scheduler.i18n import user_name
from scheduler.visits.delegation import arrangements, roster
from scheduler.visits.models import Visit
from scheduler.visits.queries import upcoming_and_past
from scheduler.visits.services import itinerary_days

bp = ApiBlueprint("api_v1_visits", __name__, url_prefix="/api/v1", description="Visits.")


def visit_summary(visit: Visit) -> dict:
    """What a list shows of a visit."""
    return {
        "id": visit.id,
        "direction": visit.direction,
        "title": names(visit, "title"),
        "start_date": visit.start_date,
        "end_date": visit.end_date,
        "timezone": visit.timezone,
        "partners": sorted(p.slug for p in visit.partners),
    }


def _staff_names(user) -> dict[str, str]:
    """A staff user's name as the pages write it for each reader (no Latin spelling)."""
    return {"zh": user_name(user, "zh"), "ko": user_name(user, "ko"), "en": ""}


def _moment(at, zone: str) -> dict | None:
    return {"at": utc_text(at), "local": local_text(at, zone)} if at else None


def _member(member, details: bool) -> dict:
    """One person of the visit; a guest's names in the scripts typed (en: Latin)."""
    row = {"id": member.id, "role": member.role, "title": {"zh": "", "ko": ""}}
    if member.contact is not None:
        row |= {"kind": "contact", "person": member.contact.id}
        row["name"] = contact_names(member.contact)
        row["title"] = {"zh": member.contact.title_zh, "ko": member.contact.title_ko}
    elif member.user is not None:
        row |= {"kind": "user", "person": member.user.id}
        row["name"] = _staff_names(member.user)
    else:
        row |= {"kind": "guest", "person": None}
        row["name"] = {"zh": member.name_zh, "ko": member.name_ko, "en": member.name_latin}
    own_title = {"zh": member.title_zh, "ko": member.title_ko}
    row["title"] = {lang: own_title[lang] or row["title"][lang] for lang in own_title}
    if details:
        row["phone"] = member.phone or (member.contact.phone if member.contact else "")
    return row


def _item(meeting, arrangement) -> dict:
    """An itinerary item: a meeting of the visit, on the clock of the place it happens."""
    return meeting_brief(meeting) | {
        "location": names(meeting, "location"),
        "vehicle": arrangement.vehicle if arrangement else "",
        "person_in_charge": arrangement.contact_member_id if arrangement else None,
    }


def visit_json(visit: Visit, viewer) -> dict:
    """The visit as *viewer* may see it (phones only for editors)."""
    details = may_see_contact_details(viewer)
    party, hosts = roster(visit)
    arranged = arrangements(visit)
    days = [
        {
            "day": day.number,
            "date": day.day,
            "items": [_item(m, arranged.get(m.id)) for m in day.meetings],
        }
        for day in itinerary_days(visit)
    ]
    return visit_summary(visit) | {
        "arrival": _travel(visit, "arrival"),
        "departure": _travel(visit, "departure"),
        "hotel": {"zh": visit.hotel_zh, "ko": visit.hotel_ko},
        "notes": visit.notes,
        "organizer": _staff_names(visit.organizer),
        "delegation": [_member(m, details) for m in party],
        "hosts": [_member(m, details) for m in hosts],
        "itinerary": days,
        "created_at": utc_text(visit.created_at),
        "updated_at": utc_text(visit.updated_at),
    }


def _travel(visit: Visit, leg: str) -> dict:
    at = getattr(visit, f"{leg}_at")
    return {
        "flight": getattr(visit, f"{leg}_flight"),
        "airport": getattr(visit, f"{leg}_airport"),
        "time": _moment(at, visit.timezone),
    }


@bp.route("/visits")
@bp.response(200, VisitListSchema)
def list_visits():
    """Visits not yet over (soonest first), then past ones (latest first), as on the list."""
    upcoming, past = upcoming_and_past()
    return {"items": [visit_summary(v) for v in upcoming + past]}


@bp.route("/visits/<int:visit_id>")
@bp.response(200, VisitSchema)
def show_visit(visit_id: int):
    """One visit: delegation and hosts (head first), and the itinerary day by day."""
    visit = row_or_404(Visit, visit_id)
    return visit_json(visit, current_user)
