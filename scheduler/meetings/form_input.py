"""Reading the meeting and participant forms into what the services take.

Shared by the meeting pages and the series pages (a series form is a meeting form plus a
rule), so it lives outside both view modules.
"""

from flask_babel import gettext as _

from scheduler import people
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings import queries, services
from scheduler.meetings.forms import MeetingForm, ParticipantForm
from scheduler.partners.models import Partner
from scheduler.timefmt import LocalTimeError, local_time_error_text, localize_strict


def prepare(form: MeetingForm, room_id: int | None = None) -> None:
    """Offer the current partners and the active rooms (and *room_id*, the one the meeting
    has now), named in the viewer's language."""
    lang = current_language()
    form.partners.choices = queries.partner_choices(lang)
    form.room_id.choices = queries.room_choices(lang, _("No room"), room_id)


def read_times(form: MeetingForm) -> dict | None:
    """The form's local times as UTC instants, or None with an error beside the field."""
    zone = form.timezone.data
    values = {}
    for name, field in (("start_dt", form.start_local), ("end_dt", form.end_local)):
        try:
            values[name] = localize_strict(field.data, zone)
        except LocalTimeError as error:
            field.errors.append(local_time_error_text(error, zone))
    return values if len(values) == 2 else None


def form_data(form: MeetingForm, times: dict) -> dict:
    """The editable meeting fields of *form*, with *times* (start_dt/end_dt) merged in."""
    names = [n for n in services.EDITABLE_FIELDS if n in form._fields]
    data = {name: form[name].data for name in names}
    data.update(times, room_id=form.room_id.data or None, host_side=form.host_side.data or None)
    return data


def selected_partners(form: MeetingForm) -> list[Partner]:
    """The partners ticked in *form*."""
    ids = form.partners.data or []
    return db.session.scalars(db.select(Partner).where(Partner.id.in_(ids))).all() if ids else []


def person_from(form: ParticipantForm) -> dict | None:
    """The person chosen, as keyword arguments for `add_participant`; None when nobody valid.

    A staff user or contact reference gives ``{"user": row}`` / ``{"contact": row}``; "guest"
    with a valid e-mail gives the guest's address and name.
    """
    found = people.resolve(form.person.data)
    if found is not None:
        kind, record = found
        return {kind: record}
    try:
        email = people.normalize_email(form.guest_email.data)
    except ValueError:
        email = None
    if form.person.data == people.GUEST and email:
        return {"guest_email": email, "guest_name": form.guest_name.data or ""}
    return None
