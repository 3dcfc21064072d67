"""One mapping from the audited models' fields to translated labels, and their values as
people read them (enum labels, dates and times through timefmt, 是/否, "30 分钟").

Labels come from the forms where a form edits the field, so a field is called the same on the
form and in the log; the few fields no form shows are named here.
"""

import json
import re
from datetime import UTC, date, datetime

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms.fields.core import UnboundField

from scheduler.audit.services import SECRET_FIELDS
from scheduler.auth.forms import ProfileForm
from scheduler.auth.models import ROLE_NAMES
from scheduler.contacts.forms import ContactForm
from scheduler.history.follow_ups.forms import STATUS_NAMES, FollowUpEditForm
from scheduler.history.outcomes.forms import OutcomeForm
from scheduler.i18n import join_list
from scheduler.invites.rsvp.services import RSVP_LABELS
from scheduler.meetings.forms import MeetingForm, ParticipantForm
from scheduler.meetings.models import HOST_SIDE_LABELS, KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from scheduler.partners.forms import PartnerForm
from scheduler.sides import LANGUAGE_NAMES
from scheduler.timefmt import format_day, format_when
from scheduler.visits.forms import DIRECTION_LABELS, MEMBER_ROLE_LABELS, VisitForm

# object_type → (the form that edits it, model field → form field where the names differ)
_FORMS = {
    "meetings": (MeetingForm, {"start_dt": "start_local", "end_dt": "end_local"}),
    "meeting_series": (MeetingForm, {}),
    "participants": (ParticipantForm, {}),
    "contacts": (ContactForm, {}),
    "partners": (PartnerForm, {}),
    "visits": (VisitForm, {"arrival_at": "arrival_local", "departure_at": "departure_local"}),
    "follow_ups": (FollowUpEditForm, {}),
    "meeting_outcomes": (OutcomeForm, {}),
    "users": (ProfileForm, {"locale": "language"}),
}
# Fields no form edits, or whose form label does not fit the log.
_OWN_LABELS = {
    "status": _l("Status"),
    "organizer_id": _l("Organizer"),
    "owner_id": _l("Owner"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "language": _l("Language"),
    "timezone": _l("Time zone"),
    "rsvp_status": _l("Answer"),
    "status_reason": _l("Reason"),
    "notes": _l("Notes"),
    "series_id": _l("Recurring meeting"),
    "room_id": _l("Room"),
    "completed_at": _l("Completed"),
    "due_date": _l("Due date"),
    "direction": _l("Direction"),
    "password_hash": _l("Password"),
    "is_exception": _l("This occurrence changed on its own"),
    # A time poll's entries (scheduler/polls): the poll, its times, the people asked.
    "closes_at": _l("Closing date"),
    "meeting_id": _l("Meeting"),
    "created_by_id": _l("Created by"),
    "closed_at": _l("Closed on"),
    "candidates": _l("Proposed times"),
    "people": _l("People to ask"),
    "chosen": _l("Chosen time"),
    "chosen_candidate_id": _l("Chosen time"),
    "participant": _l("Person asked"),
    "answers": _l("Answers"),
    "answered_at": _l("Answered on"),
    "none_work": _l("None of these times work"),
    "proposal": _l("Proposal"),
}
_TYPED_LABELS = {
    ("poll_candidates", "start_dt"): _l("Start"),
    ("poll_candidates", "end_dt"): _l("End"),
    ("users", "is_active_user"): _lp("user", "Active"),
    ("contacts", "is_active"): _lp("contact", "Active"),
    ("rooms", "is_active"): _lp("room", "Active"),
}
# Counters the app keeps for calendars and edit locks: not something a person changed.
HIDDEN_FIELDS = {"sequence", "version", "uid", "token_hash"}
# field → its values' labels; (object_type, field) where one name means different things.
_VALUE_LABELS = {
    "kind": KIND_LABELS,
    "host_side": HOST_SIDE_LABELS,
    "rsvp_status": RSVP_LABELS,
    "direction": DIRECTION_LABELS,
    "locale": LANGUAGE_NAMES,
    "language": LANGUAGE_NAMES,
    ("meetings", "status"): STATUS_LABELS,
    ("follow_ups", "status"): STATUS_NAMES,
    ("participants", "role"): ROLE_LABELS,
    ("visit_members", "role"): MEMBER_ROLE_LABELS,
    ("users", "role"): ROLE_NAMES,
    ("polls", "status"): {
        "open": _lp("poll status", "Open for answers"),
        "closed": _lp("poll status", "Time chosen"),
        "withdrawn": _lp("poll status", "Withdrawn"),
    },
}
# A poll's answers, in the order of its times (the labels of scheduler/polls, which this
# package sits beside and does not import).
_POLL_CHOICES = {
    "yes": _lp("poll answer", "Yes"),
    "if_need_be": _lp("poll answer", "If need be"),
    "no": _lp("poll answer", "No"),
}
PERSON_FIELDS = {"organizer_id", "owner_id", "user_id", "created_by", "created_by_id"}
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _form_label(form_class, field: str):
    unbound = getattr(form_class, field, None)
    if not isinstance(unbound, UnboundField):
        return None
    return unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else None)


def field_label(object_type: str, field: str) -> str:
    """The translated name of *field* of an *object_type* row; the raw name if none is known."""
    form_class, renamed = _FORMS.get(object_type, (None, {}))
    label = (
        _TYPED_LABELS.get((object_type, field))
        or (form_class and _form_label(form_class, renamed.get(field, field)))
        or _OWN_LABELS.get(field)
    )
    return str(label) if label else field


def _when(text: str, zone: str) -> str | None:
    try:
        if _DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            return format_when(moment if moment.tzinfo else moment.replace(tzinfo=UTC), zone)
        if _DATE.match(text):
            return format_day(date.fromisoformat(text))
    except ValueError:
        return None
    return None


def human_value(object_type: str, field: str, value, zone: str, people: dict) -> str:
    """A stored before/after *value* as a reader of the page reads it; secrets never shown.
    *people* maps user ids to names for the fields that hold a user."""
    if field in SECRET_FIELDS or "password" in field:
        return "***" if value is not None else "—"
    if value is None or value == "":
        return "—"
    labels = _VALUE_LABELS.get((object_type, field)) or _VALUE_LABELS.get(field)
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field.endswith("_minutes") and isinstance(value, int):
        return ngettext("%(num)d minute", "%(num)d minutes", value)
    if field in PERSON_FIELDS and value in people:
        return people[value]
    if isinstance(value, str):
        return _when(value, zone) or value
    if field == "answers" and isinstance(value, dict):
        in_order = sorted(value, key=int)  # candidate ids follow the times
        return " / ".join(str(_POLL_CHOICES.get(value[k], value[k])) for k in in_order) or "—"
    if field in ("candidates", "people") and isinstance(value, list):
        return join_list(_when(str(item), zone) or str(item) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changed_fields(entry, zone: str, people: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field an audit entry records, counters left out."""
    rows = []
    for field, change in (entry.changes or {}).items():
        if field in HIDDEN_FIELDS:
            continue
        before, after = change if isinstance(change, list) and len(change) == 2 else [None, change]
        rows.append(
            (
                field_label(entry.object_type, field),
                human_value(entry.object_type, field, before, zone, people),
                human_value(entry.object_type, field, after, zone, people),
            )
        )
    return rows
