"""The filtered exchange history as CSV or XLSX, with headers in the reader's language.

Cells are neutralized and files written by the contact export's building blocks
(scheduler/contacts/io/write.py), so both exports behave the same in a spreadsheet.
Meetings are read in batches (`yield_per`), each batch with its related rows in bulk.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import User
from scheduler.contacts.io import write as io_write
from scheduler.contacts.io.xlsx import xlsx_chunks
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.timeline import HistoryFilters, meeting_conditions
from scheduler.i18n import current_language, erased_name, localized, person_name, user_name
from scheduler.meetings.models import KIND_LABELS, STATUS_LABELS, Meeting, Participant
from scheduler.meetings.models import meeting_partners as link
from scheduler.partners.models import Partner
from scheduler.sides import CHINA, KOREA

FORMATS = io_write.FORMATS
MIMETYPES = io_write.MIMETYPES
# The office's clock and its partners': the export shows every meeting on both.
CHANGCHUN, SEOUL = CHINA.zone, KOREA.zone
BATCH_SIZE = 1000
SHEET_TITLE = "history"
CONTACT_NAME_FIELDS = (
    "family_name_zh",
    "given_name_zh",
    "family_name_ko",
    "given_name_ko",
    "romanized_family",
    "romanized_given",
)
COLUMNS = (
    # NOTE: export column: row number
    ("id", _l("No.")),
    # NOTE: export column: date on China's clock
    ("date", _l("Date (Changchun)")),
    # NOTE: export column: time on China's clock
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


def _time_span(start_dt: datetime, end_dt: datetime, zone: str, with_date: bool) -> str:
    start, end = start_dt.astimezone(ZoneInfo(zone)), end_dt.astimezone(ZoneInfo(zone))
    text = f"{start:%H:%M}–{end:%H:%M}"
    if end.date() != start.date():
        text = f"{start:%H:%M}–{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d} {text}" if with_date else text


@dataclass
class _Labels:
    """What every row needs in the export's language, looked up once, not once per row."""

    lang: str = field(default_factory=current_language)
    kinds: dict = field(default_factory=lambda: {k: str(v) for k, v in KIND_LABELS.items()})
    statuses: dict = field(default_factory=lambda: {k: str(v) for k, v in STATUS_LABELS.items()})


def _person(row, lang: str) -> str:
    """A participant row (user, contact and guest columns side by side) as a name."""
    if row.user_id:
        return user_name(row, lang)
    if row.contact_id:
        return erased_name(row.contact_id, lang) if row.erased_at else person_name(row, lang)
    return row.guest_name or row.guest_email


def meeting_values(meeting, related: dict, labels: _Labels) -> dict[str, str]:
    """One exported row, unneutralized (ISO dates, so that spreadsheets sort them).
    *meeting* is a row of MEETING_COLUMNS; *related* holds its partners, people and outcome."""
    lang = labels.lang
    own_date = meeting.start_dt.astimezone(ZoneInfo(CHANGCHUN)).date()
    seoul_date = meeting.start_dt.astimezone(ZoneInfo(SEOUL)).date()
    outcome = related["outcomes"].get(meeting.id)
    return {
        "id": str(meeting.id),
        "date": own_date.isoformat(),
        "time_changchun": _time_span(meeting.start_dt, meeting.end_dt, CHANGCHUN, False),
        "time_seoul": _time_span(meeting.start_dt, meeting.end_dt, SEOUL, seoul_date != own_date),
        "kind": labels.kinds[meeting.kind],
        "status": labels.statuses[meeting.status],
        "title": localized(meeting, "title", lang),
        "partners": "; ".join(localized(p, "name", lang) for p in related["partners"][meeting.id]),
        "participants": "; ".join(_person(p, lang) for p in related["people"][meeting.id]),
        "outcome": localized(outcome, "summary", lang) if outcome else "",
        "decisions": outcome.decisions if outcome else "",
    }


MEETING_COLUMNS = (
    Meeting.id,
    Meeting.start_dt,
    Meeting.end_dt,
    Meeting.kind,
    Meeting.status,
    Meeting.title_zh,
    Meeting.title_ko,
    Meeting.title_en,
)


def _related(ids: list[int]) -> dict:
    """Partners, participants and outcomes of the meetings *ids*: three statements a batch."""
    partners, people = defaultdict(list), defaultdict(list)
    partner_query = (
        sa.select(link.c.meeting_id, Partner.name_zh, Partner.name_ko, Partner.name_en)
        .join(Partner, Partner.id == link.c.partner_id)
        .where(link.c.meeting_id.in_(ids))
        .order_by(link.c.meeting_id, Partner.kr_code)
    )
    for row in db.session.execute(partner_query):
        partners[row.meeting_id].append(row)
    people_query = (
        sa.select(
            Participant.meeting_id,
            Participant.user_id,
            Participant.contact_id,
            Participant.guest_name,
            Participant.guest_email,
            User.name_zh,
            User.name_ko,
            User.email,
            *(getattr(Contact, name) for name in CONTACT_NAME_FIELDS),
            Contact.erased_at,
        )
        .outerjoin(User, User.id == Participant.user_id)
        .outerjoin(Contact, Contact.id == Participant.contact_id)
        .where(Participant.meeting_id.in_(ids))
        .order_by(Participant.meeting_id, Participant.id)
    )
    for row in db.session.execute(people_query):
        people[row.meeting_id].append(row)
    outcome_query = sa.select(
        MeetingOutcome.meeting_id,
        MeetingOutcome.summary_zh,
        MeetingOutcome.summary_ko,
        MeetingOutcome.decisions,
    ).where(MeetingOutcome.meeting_id.in_(ids))
    outcomes = {row.meeting_id: row for row in db.session.execute(outcome_query)}
    return {"partners": partners, "people": people, "outcomes": outcomes}


def export_rows(filters: HistoryFilters) -> Iterator[list[str]]:
    """The header row, then one neutralized row per selected meeting, newest first.

    Plain rows rather than ORM objects, read BATCH_SIZE meetings at a time with their
    related rows: 50,000 meetings export in seconds."""
    yield header_row()
    labels = _Labels()
    query = (
        sa.select(*MEETING_COLUMNS)
        .where(*meeting_conditions(filters))
        .order_by(Meeting.start_dt.desc(), Meeting.id.desc())
    )
    result = db.session.execute(query.execution_options(yield_per=BATCH_SIZE))
    for batch in result.partitions():
        related = _related([meeting.id for meeting in batch])
        for meeting in batch:
            values = meeting_values(meeting, related, labels)
            yield [io_write.neutralize(values[key]) for key, _label in COLUMNS]


def to_file_bytes(rows, file_format: str) -> bytes:
    """*rows* as the bytes of a .csv (UTF-8 with BOM) or .xlsx file."""
    return io_write.to_bytes(rows, file_format, sheet_title=SHEET_TITLE)


def export_bytes(filters: HistoryFilters, file_format: str) -> bytes:
    """The whole export as the bytes of a .csv or .xlsx file."""
    return to_file_bytes(export_rows(filters), file_format)


def export_chunks(filters: HistoryFilters, file_format: str) -> Iterator[bytes]:
    """The export as pieces for a streamed answer: an .xlsx file batch by batch as the rows
    are read (50,000 meetings in a few seconds, in flat memory); a .csv file at once."""
    if file_format == "xlsx":
        return xlsx_chunks(export_rows(filters), sheet_title=SHEET_TITLE)
    return iter([export_bytes(filters, file_format)])


def export_filename(filters: HistoryFilters, file_format: str) -> str:
    """history-<partner or all>-<year or all-years>.<format>: ASCII, so browsers keep it."""
    partner = filters.partner.slug if filters.partner else "all"
    return f"history-{partner}-{filters.year or 'all-years'}.{file_format}"
