"""Edits carry the version they started from (issue 18, item 4): the optimistic lock's pages.

Every edit form of a meeting (the edit form, the status buttons, cancel and postpone, a
series' "this and following" and its cancel buttons) sends the meeting's ``version`` as it
was when the page was drawn. `check_version` refuses a form opened on an older version
(`StaleEdit`, 409) before anything is changed; two forms sent at the same moment from the
same version are told apart by the row's optimistic lock (``version_id_col``: the loser's
UPDATE finds no row and `scheduler.transaction.save` turns that into the same 409). The
409 page shows, field by field, what the person sent and what is saved now, with a link to
start again from the saved state.
"""

from datetime import datetime

from flask import render_template
from flask_babel import lazy_gettext as _l

from scheduler.errors import StaleEdit, UserError
from scheduler.meetings.models import STATUS_LABELS, Meeting
from scheduler.timefmt import format_when

BAD_VERSION = _l(
    "The form does not say which version of the meeting it was opened on. "
    "Reload the page and try again."
)
EMPTY = "—"


def check_version(target, submitted: str | None) -> None:
    """Refuse a form whose version (the raw form value) is missing, not a number (400), or
    not the version of *target* saved now (`StaleEdit`, 409)."""
    text = (submitted or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise UserError(BAD_VERSION, field="version")
    if int(text) != target.version:
        raise StaleEdit()


def _choice_label(field, value) -> str:
    for choice in field.iter_choices():  # (value, label, selected, render_kw)
        if str(choice[0]) == str(value if value is not None else ""):
            return str(choice[1])
    return EMPTY


def _shown(form, name: str, value, zone: str) -> str:
    """*value* of the form field *name* as a person reads it."""
    if isinstance(value, datetime):
        return format_when(value, zone)
    if name == "room_id":
        return _choice_label(form.room_id, value or 0)
    if name in ("kind", "host_side"):
        return _choice_label(form[name], value)
    if name == "partners":
        return ", ".join(_choice_label(form.partners, v) for v in value) or EMPTY
    return EMPTY if value in (None, "") else str(value)


def _label(form, name: str) -> str:
    field = {"start_dt": "start_local", "end_dt": "end_local"}.get(name, name)
    return str(form[field].label.text) if field in form._fields else name


def form_differences(form, meeting: Meeting, data: dict, partner_ids=None) -> list[tuple]:
    """(label, yours, saved now) for each field of *data* that differs from *meeting* as
    saved now; *partner_ids* the partners ticked, compared too when given."""
    saved = {name: getattr(meeting, name) for name in data}
    yours = dict(data)
    if partner_ids is not None:
        saved["partners"] = sorted(p.id for p in meeting.partners)
        yours["partners"] = sorted(partner_ids)
    rows = []
    for name in yours:
        if (yours[name] or None) != (saved[name] or None):
            shown = [_shown(form, name, v, meeting.timezone) for v in (yours[name], saved[name])]
            rows.append((_label(form, name), *shown))
    return rows


def status_difference(meeting: Meeting, wanted: str) -> list[tuple]:
    """The row of a status button pressed on an older version: the status asked for, the
    status saved now, and the time saved now (what a reader most needs to notice)."""
    when = format_when(meeting.start_dt, meeting.timezone)
    asked, now = STATUS_LABELS.get(wanted, wanted), STATUS_LABELS[meeting.status]
    return [(str(_l("Status")), str(asked), str(now)), (str(_l("Start")), EMPTY, when)]


def stale_page(meeting: Meeting, rows: list[tuple], reload_url: str) -> str:
    """The 409 page: what changed since the form was opened, and a way back to the saved state."""
    return render_template("meetings/stale.html", meeting=meeting, rows=rows, reload_url=reload_url)
