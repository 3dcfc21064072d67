"""The filtered exchange history as CSV or XLSX, with headers in the reader's language.

Cells are neutralized and files written by the contact export's building blocks
(scheduler/contacts/io_write.py), so both exports behave the same in a spreadsheet.
Meetings are read in batches (`yield_per`), each batch with its related rows in bulk.
"""

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from scheduler.contacts import io_write
from scheduler.extensions import db
from scheduler.history.timeline import HistoryFilters, meeting_conditions, newest_first
from scheduler.i18n import localized
from scheduler.meetings.forms import KIND_LABELS, STATUS_LABELS
from scheduler.meetings.models import Meeting
from scheduler.meetings.services import participant_label

FORMATS = io_write.FORMATS
MIMETYPES = io_write.MIMETYPES
CHANGCHUN, SEOUL = "Asia/Shanghai", "Asia/Seoul"
BATCH_SIZE = 500
COLUMNS = (
    ("id", _l("No.")),
    ("date", _l("Date (Changchun)")),
    ("time_changchun", _l("Time (Changchun)")),
    ("time_seoul", _l("Time (Seoul)")),
    ("kind", _l("Kind")),
    ("status", _l("Status")),
    ("title", _l("Meeting title")),
    ("partners", _l("Partners")),
    ("participants", _l("Participants")),
    ("outcome", _l("Outcome summary")),
    ("decisions", _l("Decisions")),
)


def header_row() -> list[str]:
    """The column headers in the current language."""
    return [str(label) for _key, label in COLUMNS]


def _time_span(meeting: Meeting, zone: str, with_date: bool) -> str:
    start = meeting.start_dt.astimezone(ZoneInfo(zone))
    end = meeting.end_dt.astimezone(ZoneInfo(zone))
    text = f"{start:%H:%M}–{end:%H:%M}"
    if end.date() != start.date():
        text = f"{start:%H:%M}–{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d} {text}" if with_date else text


def meeting_values(meeting: Meeting) -> dict[str, str]:
    """One exported row, unneutralized, in the current language (ISO dates, so that
    spreadsheets sort them)."""
    own_date = meeting.start_dt.astimezone(ZoneInfo(CHANGCHUN)).date()
    seoul_date = meeting.start_dt.astimezone(ZoneInfo(SEOUL)).date()
    outcome = meeting.outcome
    return {
        "id": str(meeting.id),
        "date": own_date.isoformat(),
        "time_changchun": _time_span(meeting, CHANGCHUN, with_date=False),
        "time_seoul": _time_span(meeting, SEOUL, with_date=seoul_date != own_date),
        "kind": str(KIND_LABELS[meeting.kind]),
        "status": str(STATUS_LABELS[meeting.status]),
        "title": localized(meeting, "title"),
        "partners": "; ".join(localized(p, "name") for p in meeting.partners),
        "participants": "; ".join(participant_label(p) for p in meeting.participants),
        "outcome": localized(outcome, "summary") if outcome else "",
        "decisions": outcome.decisions if outcome else "",
    }


def export_rows(filters: HistoryFilters) -> Iterator[list[str]]:
    """The header row, then one neutralized row per selected meeting, newest first."""
    yield header_row()
    query = newest_first(meeting_conditions(filters)).execution_options(yield_per=BATCH_SIZE)
    for meeting in db.session.scalars(query):
        values = meeting_values(meeting)
        yield [io_write.neutralize(values[key]) for key, _label in COLUMNS]


def to_file_bytes(rows, file_format: str) -> bytes:
    """*rows* as the bytes of a .csv (UTF-8 with BOM) or .xlsx file."""
    return io_write.to_bytes(rows, file_format, sheet_title="history")


def export_bytes(filters: HistoryFilters, file_format: str) -> bytes:
    """The whole export as the bytes of a .csv or .xlsx file."""
    return to_file_bytes(export_rows(filters), file_format)


def export_filename(filters: HistoryFilters, file_format: str) -> str:
    """history-<partner or all>-<year or all-years>.<format>: ASCII, so browsers keep it."""
    partner = filters.partner.slug if filters.partner else "all"
    return f"history-{partner}-{filters.year or 'all-years'}.{file_format}"
