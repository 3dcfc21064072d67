"""A meeting's time checked like the slot finder checks its suggestions: each side's holidays,
weekends and make-up working days, and each participant's working hours (the checks are
`scheduler.availability.warnings`; this module loads the people and overrides they need).

Shown on the meeting form as the time is typed and on the meeting page; confirming anyway is
allowed and leaves an audit entry naming the warnings.
"""

from datetime import datetime, timedelta

from flask_babel import force_locale

from scheduler import people
from scheduler.audit.services import record
from scheduler.availability.warnings import TimeWarning, time_warnings
from scheduler.extensions import db
from scheduler.i18n import current_language
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.signals import meeting_changed
from scheduler.slots import services

AUDIT_ACTION = "warnings_confirmed"


def warnings_for(start: datetime, end: datetime, records) -> list[TimeWarning]:
    """The warnings for [start, end) with *records* (users and contacts) taking part."""
    day = start.date()
    overrides = services.load_overrides(day - timedelta(days=2), day + timedelta(days=2))
    persons = []
    for row in records:
        kind = people.parse(people.key_of(row)).kind
        who = services.Who(kind, row, services.person_label(kind, row))
        persons.append(services.as_person(who, overrides))
    return time_warnings(start, end, persons, overrides)


def meeting_people(meeting: Meeting) -> list:
    """The staff users and contacts of *meeting* (guests have no hours to check)."""
    return [p.user or p.contact for p in meeting.participants if p.user or p.contact]


def meeting_warnings(meeting: Meeting) -> list[TimeWarning]:
    """The warnings for a meeting as it stands (none once it is cancelled or held)."""
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        return []
    return warnings_for(meeting.start_dt, meeting.end_dt, meeting_people(meeting))


def texts(warnings: list[TimeWarning], lang: str | None = None) -> list[str]:
    """The warnings worded for a reader of *lang* (the current reader by default)."""
    lang = lang or current_language()
    with force_locale(lang):
        return [warning.text(lang) for warning in warnings]


def _on_meeting_changed(sender, change=None, **_details) -> None:
    """A meeting confirmed despite warnings: record which ones were accepted, in English
    like the rest of the audit log's stored values."""
    if change != "confirmed" or not isinstance(sender, Meeting):
        return
    with force_locale("en"):  # also outside a request: `flask seed --demo` confirms meetings
        found = texts(meeting_warnings(sender), "en")
    if found:
        record(db.session, AUDIT_ACTION, sender, {"warnings": found})


def register_warning_listeners(app) -> None:
    """Audit confirmations despite warnings (idempotent: tests build many apps)."""
    meeting_changed.connect(_on_meeting_changed, weak=False)
