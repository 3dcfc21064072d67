"""Contact import: check every row of a file, then create or update all contacts, or none.

The steps are separate so the CLI can show progress: read_table → check_rows → save_rows.
import_contacts() runs all three. Nothing here commits; the view or command does, once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l

from scheduler.audit.services import record
from scheduler.contacts.io.read import (
    COLUMNS,
    ImportFileError,
    Problem,
    Table,
    read_table,
    unquote,
)
from scheduler.contacts.models import Contact
from scheduler.contacts.services import apply_fields, email_problem
from scheduler.extensions import db
from scheduler.partners.models import Partner
from scheduler.people import normalize_email
from scheduler.sides import KOREA, LANGUAGES
from scheduler.text import control_problem, normalize_newlines, without_controls
from scheduler.timefmt import normalize_timezone

DEFAULT_LANGUAGE = KOREA.language  # a partner's people mostly write Korean
# Columns copied as they are into the contact field of the same (or the given) name.
TEXT_FIELDS = {
    "family_name_ko": "family_name_ko",
    "given_name_ko": "given_name_ko",
    "family_name_zh": "family_name_zh",
    "given_name_zh": "given_name_zh",
    "title_ko": "title_ko",
    "title_zh": "title_zh",
    "department": "department_ko",
    "department_zh": "department_zh",
    "phone": "phone",
    "notes": "notes",
}
COLUMN_OF_FIELD = {
    **{f: c for c, f in TEXT_FIELDS.items()},
    "romanized_family": "romanized",
    "romanized_given": "romanized",
    "email": "email",
    "language": "language",
    "timezone": "timezone",
}
# Columns that may hold several lines (tab and line feed allowed, CR LF read as LF).
MULTILINE_COLUMNS = {"notes"}
# The contact form's limit for notes, whose column is unbounded TEXT.
TEXT_LIMITS = {"notes": 2000}
EMAIL_LOOKUP_BATCH = 500  # stays well under SQLite's limit on bound parameters

Step = Callable[[int], None] | None


@dataclass
class CheckedRow:
    """A row's contact fields, its problems and, when updating, the contact it updates."""

    row: int
    partner: Partner | None
    data: dict
    problems: list[Problem] = field(default_factory=list)
    existing: Contact | None = None

    def problem(self, column: str, reason) -> None:
        self.problems.append(Problem(self.row, column, reason))


@dataclass
class ImportResult:
    """What an import did, or the problems that stopped it (then it did nothing)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ContactImport:
    """The thing an audit entry for an import is about: the contacts, from a named file."""

    filename: str
    id = None
    __tablename__ = "contacts"

    def audit_label(self) -> str:
        return self.filename


def import_contacts(filename: str, data: bytes, update_existing: bool = False) -> ImportResult:
    """Read, check and, only when every row is valid, import a contact file. Flushes only."""
    try:
        table = read_table(filename, data)
    except ImportFileError as error:
        return ImportResult(problems=error.problems)
    checked, problems = check_rows(table, update_existing)
    if problems:
        return ImportResult(problems=problems)
    return save_rows(checked, filename)


# --- Checking ----------------------------------------------------------------------------


def check_rows(table: Table, update_existing: bool, step: Step = None):
    """(valid rows, problems) for every row of *table*; reads the database, changes nothing."""
    partners = {p.slug: p for p in db.session.scalars(sa.select(Partner))}
    rows = []
    for number, cells in table.rows:
        rows.append(check_row(number, cells, partners))
        if step:
            step(1)
    check_emails(rows, update_existing)
    problems = table.problems + [p for row in rows for p in row.problems]
    problems.sort(key=lambda p: (p.row or 0, _column_order(p.column)))
    return [row for row in rows if not row.problems], problems


def _column_order(column: str | None) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def check_row(number: int, cells: dict, partners: dict) -> CheckedRow:
    """The row's contact fields and the problems found in it (the same rules as the form)."""
    row = CheckedRow(number, None, {})
    values = _cell_values(cells, row.problem)
    row.partner = _partner(values["partner"], partners, row.problem)
    data = row.data
    data.update({f: values[c] for c, f in TEXT_FIELDS.items()})
    data.update(split_romanized(values["romanized"]))
    data["language"] = _language(values["language"], row.problem)
    data["timezone"] = _timezone(values["timezone"], row.partner, row.problem)
    data["email"] = _email(values["email"], row.problem)
    if not (data["family_name_ko"] or data["family_name_zh"] or data["romanized_family"]):
        row.problem("family_name_ko", _l("Enter a family name in at least one script."))
    for name, limit in too_long(data):
        column = COLUMN_OF_FIELD[name]
        if not any(p.column == column for p in row.problems):  # one reason a cell is enough
            row.problem(column, _l("At most %(max)d characters.", max=limit))
    return row


def _cell_values(cells: dict, problem) -> dict[str, str]:
    """Every known column's text; a control character is a problem of its cell, and the
    checks that follow see the text without it (the row is refused anyway)."""
    values = {}
    for column in COLUMNS:
        multiline = column in MULTILINE_COLUMNS
        text = unquote(normalize_newlines(cells.get(column, "")).strip())
        reason = control_problem(text, column, multiline)
        if reason is not None:
            problem(column, reason)
            text = without_controls(text, multiline)
        values[column] = text
    return values


def split_romanized(text: str) -> dict:
    """ "Family Given": the first whitespace-separated word is the family name."""
    parts = text.split(None, 1)
    return {
        "romanized_family": parts[0] if parts else "",
        "romanized_given": parts[1] if len(parts) > 1 else "",
    }


def _partner(slug: str, partners: dict, problem) -> Partner | None:
    if not slug:
        problem("partner", _l("Enter the partner's short name, such as seoul or busan."))
        return None
    partner = partners.get(slug.lower())
    if partner is None:
        problem("partner", _l("There is no partner called “%(slug)s”.", slug=slug))
    return partner


def _language(value: str, problem) -> str:
    language = value.lower() or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        problem("language", _l("Unknown language “%(value)s”. Use zh, ko or en.", value=value))
    return language


def _timezone(value: str, partner: Partner | None, problem) -> str:
    if not value:
        return partner.timezone if partner else ""
    zone = normalize_timezone(value)
    if zone is None:
        reason = _l("Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul.")
        problem("timezone", reason)
    return zone or value


def _email(value: str, problem) -> str | None:
    try:
        return normalize_email(value)
    except EmailNotValidError:
        problem("email", email_problem(value))  # the contact form's own message
        return None


def too_long(data: dict) -> list[tuple[str, int]]:
    """(field, limit) for every value longer than its database column (or the form) allows."""
    columns = Contact.__table__.columns
    found = []
    for name, value in data.items():
        limit = TEXT_LIMITS.get(name) or getattr(columns[name].type, "length", None)
        if limit and value and len(value) > limit:
            found.append((name, limit))
    return found


def check_emails(rows: list[CheckedRow], update_existing: bool) -> None:
    """Flag addresses used twice in the file or already in use; link the rows that update."""
    first_row = {}
    for row in rows:
        email = row.data["email"]
        if email and email in first_row:
            reason = _l("This e-mail address is also in row %(row)d.", row=first_row[email])
            row.problem("email", reason)
        elif email:
            first_row[email] = row.row
    existing = contacts_by_email(list(first_row))
    for row in rows:
        contact = existing.get(row.data["email"])
        if contact is not None and update_existing:
            row.existing = contact
        elif contact is not None:
            row.problem("email", _l("A contact with this e-mail address already exists."))


def contacts_by_email(emails: list[str]) -> dict[str, Contact]:
    found = {}
    for start in range(0, len(emails), EMAIL_LOOKUP_BATCH):
        batch = emails[start : start + EMAIL_LOOKUP_BATCH]
        query = sa.select(Contact).where(Contact.email.in_(batch))
        found.update({c.email: c for c in db.session.scalars(query)})
    return found


# --- Saving ------------------------------------------------------------------------------


def save_rows(rows: list[CheckedRow], filename: str, step: Step = None) -> ImportResult:
    """Create or update a contact for every checked row and record the import in the audit log."""
    result = ImportResult()
    for row in rows:
        if row.existing is None:
            contact = Contact(partner=row.partner)
            apply_fields(contact, row.data)
            db.session.add(contact)
            result.created += 1
        elif update_contact(row.existing, row):
            result.updated += 1
        else:
            result.unchanged += 1
        if step:
            step(1)
    db.session.flush()
    record(db.session, "import", ContactImport(filename), result.counts())
    db.session.flush()
    return result


def update_contact(contact: Contact, row: CheckedRow) -> bool:
    """Apply *row* to *contact*, only the fields that differ. Whether anything changed."""
    changes = changed_fields(contact, row.data)
    moved = contact.partner_id != row.partner.id
    apply_fields(contact, changes)
    if moved:
        contact.partner = row.partner
    return bool(changes) or moved


def changed_fields(contact: Contact, data: dict) -> dict:
    """The items of *data* that differ from what *contact* holds.

    Line breaks count as equal whether CRLF (what a browser sends) or LF (what XLSX keeps),
    so a round trip through a workbook leaves notes as they were.
    """
    return {
        name: value
        for name, value in data.items()
        if _same_lines(getattr(contact, name)) != _same_lines(value)
    }


def _same_lines(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value
