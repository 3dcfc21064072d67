"""The filtered exchange history as CSV or XLSX, with headers in the reader's language.

Cells are neutralized and files written by the contact export's building blocks
(scheduler/contacts/io/write.py), so both exports behave the same in a spreadsheet.
Meetings are read in batches (`yield_per`), each batch with its related rows in bulk.
"""

from collections.abc import Iterator
from datetime import datetime
from itertools import chain, groupby
from operator import itemgetter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import User
from scheduler.contacts.io import write as io_write
from scheduler.contacts.io.xlsx import xlsx_chunks
from scheduler.contacts.models import NAME_FIELDS, Contact
from scheduler.extensions import db
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.timeline import HistoryFilters, meeting_conditions
from scheduler.i18n import current_language, localized, localized_column, person_name, user_name
from scheduler.meetings.models import KIND_LABELS, STATUS_LABELS, Meeting, Participant
from scheduler.meetings.models import meeting_partners as link
from scheduler.partners.models import Partner
from scheduler.sides import CHINA, KOREA
from scheduler.visits.directions import DIRECTION_LABELS, direction_of
from scheduler.visits.models import Visit

FORMATS = io_write.FORMATS
MIMETYPES = io_write.MIMETYPES
# The office's clock and its partners': the export shows every meeting on both.
CHANGCHUN_ZONE, SEOUL_ZONE = ZoneInfo(CHINA.zone), ZoneInfo(KOREA.zone)
BATCH_SIZE = 1000
SHEET_TITLE = "history"
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
    # NOTE: export column: inbound or outbound, as the statistics count visits
    ("visit", _l("Delegation visit")),
)


def header_row() -> list[str]:
    """The column headers in the current language."""
    return [str(label) for _key, label in COLUMNS]


# "HH:MM" of every minute of the day, looked up rather than formatted: 200,000 times an export.
_CLOCKS = tuple(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60))


def _clock(moment: datetime) -> str:
    return _CLOCKS[moment.hour * 60 + moment.minute]


def _span(start: datetime, end: datetime) -> str:
    """*start*–*end* on their own clock: the times, and the end's date when it is another day."""
    if end.date() != start.date():
        return f"{_clock(start)}–{end.date().isoformat()} {_clock(end)}"
    return f"{_clock(start)}–{_clock(end)}"


class _Names:
    """Every label a row shows that repeats across rows, in the export's language, worked out
    once per export rather than once per row: kinds, statuses, partners, staff and contacts."""

    def __init__(self, conditions: list):
        self.lang = lang = current_language()
        self.kinds = {key: str(label) for key, label in KIND_LABELS.items()}
        self.statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
        self.directions = {key: str(label) for key, label in DIRECTION_LABELS.items()}
        partners = sa.select(Partner.id, Partner.name_zh, Partner.name_ko, Partner.name_en)
        self.partners = {p.id: localized(p, "name", lang) for p in _read(partners)}
        users = sa.select(User.id, User.name_zh, User.name_ko, User.email)
        self.users = {u.id: user_name(u, lang) for u in _read(users)}
        attending = (
            sa.select(Participant.contact_id)
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .where(*conditions)
        )
        columns = [getattr(Contact, name) for name in NAME_FIELDS]
        contacts = sa.select(Contact.id, Contact.erased_at, *columns)
        # An erased contact's name is a pseudonym (person_name reads erased_at).
        self.contacts = {
            c.id: person_name(c, lang) for c in _read(contacts.where(Contact.id.in_(attending)))
        }

    def person(self, row) -> str:
        """A participant row of _related_streams (user, contact or guest) as a name."""
        _meeting_id, user_id, contact_id, guest = row  # unpacked: a Row's attributes are slow
        if user_id:
            return self.users.get(user_id, "")
        if contact_id:
            return self.contacts.get(contact_id, "")
        return guest


def meeting_values(meeting, partner_ids, people, names: _Names) -> list:
    """One exported row in the order of COLUMNS, neutralized: the number as a number and the
    date (Changchun's) as a date, so spreadsheets sort and filter them; the rest as text.
    *meeting* is a row of meeting_columns() (its outcome's texts included), with its
    partner rows and its participant rows as _related_streams reads them."""
    neutralize = io_write.neutralize
    # Unpacked once: reading a Row's attributes by name costs more than the rest of the row.
    meeting_id, start, end, kind, status, title, visit_direction, summary, decisions = meeting
    # Each end of the meeting on each clock once: the date and both spans read them.
    own_start, seoul_start = start.astimezone(CHANGCHUN_ZONE), start.astimezone(SEOUL_ZONE)
    own_date, seoul_date = own_start.date(), seoul_start.date()
    seoul_span = _span(seoul_start, end.astimezone(SEOUL_ZONE))
    if seoul_date != own_date:
        seoul_span = f"{seoul_date.isoformat()} {seoul_span}"
    partners = "; ".join([names.partners[partner_id] for _id, partner_id in partner_ids])
    people = "; ".join([names.person(row) for row in people])
    return [
        meeting_id,
        own_date,
        _span(own_start, end.astimezone(CHANGCHUN_ZONE)),
        seoul_span,
        names.kinds[kind],
        names.statuses[status],
        neutralize(title),  # free text: may look like a formula
        neutralize(partners),
        neutralize(people),
        neutralize(summary),
        neutralize(decisions),
        names.directions.get(direction_of(kind, visit_direction), ""),
    ]


def meeting_columns(lang: str) -> tuple:
    """The columns of a meeting's row, its title and its outcome's summary already in *lang*
    (with their fallbacks); '' for the outcome's texts of a meeting without one."""
    return (
        Meeting.id,
        Meeting.start_dt,
        Meeting.end_dt,
        Meeting.kind,
        Meeting.status,
        localized_column(Meeting, "title", lang),
        Visit.direction.label("visit_direction"),
        localized_column(MeetingOutcome, "summary", lang),
        sa.func.coalesce(MeetingOutcome.decisions, "").label("decisions"),
    )


def _meetings(conditions: list, lang: str):
    """The selected meetings as the export lists them, each with its visit's direction and
    its outcome (at most one: joined rather than read as a stream of its own)."""
    query = (
        sa.select(*meeting_columns(lang))
        .outerjoin(Visit, Visit.id == Meeting.visit_id)
        .outerjoin(MeetingOutcome, MeetingOutcome.meeting_id == Meeting.id)
    )
    return _newest_first(query, conditions)


def _read(query) -> Iterator:
    """The plain rows of *query*, run on the session's connection (past the ORM's row
    loading) and fetched BATCH_SIZE at a time."""
    # The option goes on the statement: on a Connection it would stay for later statements.
    result = db.session.connection().execute(query.execution_options(yield_per=BATCH_SIZE))
    return chain.from_iterable(result.partitions())


def _newest_first(query, conditions: list, *then):
    """*query* narrowed to the selected meetings and sorted as the export lists them."""
    return query.where(*conditions).order_by(Meeting.start_dt.desc(), Meeting.id.desc(), *then)


class _Stream:
    """The rows of a query sorted like the meetings (its first column a meeting id), handed
    out meeting by meeting while the meetings are read."""

    def __init__(self, query):
        # Grouped by meeting in C (groupby) rather than row by row in Python.
        self._groups = groupby(_read(query), key=itemgetter(0))
        self._id, self._group = next(self._groups, (None, ()))

    def take(self, meeting_id: int) -> list:
        """The rows of the meeting *meeting_id*, the next meeting in the shared order."""
        if self._id != meeting_id:
            return []
        taken = list(self._group)
        self._id, self._group = next(self._groups, (None, ()))
        return taken


def _related_streams(conditions: list) -> tuple[_Stream, _Stream]:
    """Partner ids and participants of every selected meeting: one statement each for the
    whole export rather than two per batch. The meeting-partner link is aliased because the
    partner filter's subquery reads that table too. A guest is named by the name given, else
    the e-mail address."""
    partner_link = link.alias("exported_link")
    partners = (
        sa.select(partner_link.c.meeting_id, partner_link.c.partner_id)
        .join(Meeting, Meeting.id == partner_link.c.meeting_id)
        .join(Partner, Partner.id == partner_link.c.partner_id)
    )
    people = sa.select(
        Participant.meeting_id,
        Participant.user_id,
        Participant.contact_id,
        sa.func.coalesce(sa.func.nullif(Participant.guest_name, ""), Participant.guest_email),
    ).join(Meeting, Meeting.id == Participant.meeting_id)
    return (
        _Stream(_newest_first(partners, conditions, Partner.kr_code)),
        _Stream(_newest_first(people, conditions, Participant.id)),
    )


def export_rows(filters: HistoryFilters) -> Iterator[list]:
    """The header row, then one neutralized row per selected meeting, newest first.

    Plain rows rather than ORM objects: the meetings (with their outcomes) and their partners
    and participants come from three statements read side by side in the same order,
    BATCH_SIZE rows at a time, and names that repeat are looked up once. 50,000 meetings take
    a few seconds."""
    yield header_row()
    _plan_to_read_everything()
    conditions = meeting_conditions(filters)
    names = _Names(conditions)
    partners, people = _related_streams(conditions)
    for meeting in _read(_meetings(conditions, names.lang)):
        meeting_id = meeting[0]
        yield meeting_values(meeting, partners.take(meeting_id), people.take(meeting_id), names)


# PostgreSQL plans a cursor for its first tenth of rows (an index walk); the export reads all
# of them, which one sort does sooner, in memory rather than on disk (50,000 meetings: ~10 MB).
_WHOLE_READS = sa.text(
    "SELECT set_config('cursor_tuple_fraction', '1', true), set_config('work_mem', '32MB', true)"
)


def _plan_to_read_everything() -> None:
    """PostgreSQL: plan this transaction's cursors for reading every row (SET LOCAL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_WHOLE_READS)


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
