"""A meeting's time checked like the slot finder checks its suggestions: each side's holidays,
weekends and make-up working days, and each participant's working hours (the checks are
`scheduler.availability.warnings`; this module loads the people and overrides they need).

Also a time another meeting's open poll holds for the same people or room ("held for a time
poll", `HoldWarning`): a soft warning, never a refusal. Shown on the meeting form as the time
is typed and on the meeting page; confirming anyway is allowed and leaves an audit entry
naming the warnings.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler import people
from scheduler.audit.services import record
from scheduler.availability.warnings import TimeWarning, time_warnings
from scheduler.extensions import db
from scheduler.i18n import current_language, localized
from scheduler.meetings.conflicts import find_holds
from scheduler.meetings.holds import held_meetings, holds_between
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.signals import meeting_changed
from scheduler.slots import services

AUDIT_ACTION = "warnings_confirmed"


@dataclass(frozen=True)
class HoldWarning:
    """The time is held by the open poll of another meeting (*meeting*)."""

    meeting: Meeting

    def text(self, lang: str) -> str:
        """``Held for a time poll: <title>``, the title in the reader's language."""
        title = localized(self.meeting, "title", lang)
        return _("Held for a time poll: %(title)s", title=title)


def hold_warnings(holds) -> list[HoldWarning]:
    """One warning per meeting whose poll holds the time."""
    return [HoldWarning(meeting) for meeting in held_meetings(holds)]


def _calendar_warnings(start: datetime, end: datetime, records) -> list[TimeWarning]:
    day = start.date()
    overrides = services.load_overrides(day - timedelta(days=2), day + timedelta(days=2))
    persons = []
    for row in records:
        kind = people.parse(people.key_of(row)).kind
        who = services.Who(kind, row, services.person_label(kind, row))
        persons.append(services.as_person(who, overrides))
    return time_warnings(start, end, persons, overrides)


def warnings_for(start: datetime, end: datetime, records, exclude: int | None = None) -> list:
    """The warnings for [start, end) with *records* (users and contacts) taking part: the
    calendar's and working hours' (`TimeWarning`), then the holds of the polls of meetings
    other than *exclude* (`HoldWarning`)."""
    holds = holds_between(start, end, [people.key_of(row) for row in records], exclude=exclude)
    return _calendar_warnings(start, end, records) + hold_warnings(holds)


def meeting_people(meeting: Meeting) -> list:
    """The staff users and contacts of *meeting* (guests have no hours to check)."""
    return [p.user or p.contact for p in meeting.participants if p.user or p.contact]


def meeting_warnings(meeting: Meeting) -> list:
    """The warnings for a meeting as it stands, the holds on its room included (none once
    it is cancelled or held)."""
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        return []
    found = _calendar_warnings(meeting.start_dt, meeting.end_dt, meeting_people(meeting))
    return found + hold_warnings(find_holds(meeting))


def texts(warnings: list, lang: str | None = None) -> list[str]:
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
