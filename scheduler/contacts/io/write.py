"""Contact export and the import template: rows of values in, CSV or XLSX bytes out.

Every text cell is neutralized so a spreadsheet shows it as text and never runs it as a
formula, even once saved as CSV; the XLSX writer (contacts/io/xlsx.py) also writes text as text.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa

from scheduler.contacts.io.read import COLUMNS
from scheduler.contacts.io.xlsx import to_xlsx
from scheduler.contacts.models import Contact
from scheduler.contacts.services import list_contacts
from scheduler.extensions import db
from scheduler.partners.models import Partner
from scheduler.sides import KOREA

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Quotes followed by a formula start: io_read.unquote removes exactly the one quote added here.
NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
# The characters NEEDS_QUOTE can match first: text starting otherwise is not looked at again.
_QUOTE_STARTS = frozenset("'=+-@\t\r")
TEMPLATE_EXAMPLE = {
    "partner": "busan",
    "family_name_ko": "박",
    "given_name_ko": "서준",
    "family_name_zh": "朴",
    "given_name_zh": "瑞俊",
    "romanized": "Park Seo-jun",
    "title_ko": "주무관",
    "title_zh": "主务官",
    "department": "국제협력과",
    "department_zh": "国际合作处",
    "email": "seojun.park@busan.example.kr",
    "phone": "+82-51-888-1234",
    "language": KOREA.language,
    "timezone": KOREA.zone,
    "notes": "",
}


def neutralize(value):
    """*value* with a leading quote when it is text a spreadsheet would read as a formula;
    numbers and dates as they are (they cannot start a formula)."""
    if isinstance(value, str) and value[:1] in _QUOTE_STARTS and NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def contact_values(contact: Contact) -> dict[str, str]:
    """The contact as the import columns see it."""
    values = {column: getattr(contact, column, "") for column in COLUMNS}
    values.update(
        partner=contact.partner.slug,
        romanized=contact.romanized,
        department=contact.department_ko,
        email=contact.email or "",
    )
    return values


def table_rows(records: Iterable[dict[str, str]]) -> Iterator[list[str]]:
    """The header row, then one neutralized row per record, columns in the import order."""
    yield list(COLUMNS)
    for values in records:
        yield [neutralize(str(values.get(column) or "")) for column in COLUMNS]


def export_contacts(partner: Partner | None = None, include_inactive: bool = False):
    """The rows of an export: one per contact, optionally one partner's, active ones by default."""
    query = list_contacts(partner.id if partner else None, include_inactive)
    query = query.options(sa.orm.joinedload(Contact.partner))
    return table_rows(contact_values(c) for c in db.session.scalars(query))


def template_rows() -> Iterator[list[str]]:
    """The header row and one example row, for people starting an import file."""
    return table_rows([TEMPLATE_EXAMPLE])


def to_bytes(rows: Iterable[list], file_format: str, sheet_title: str = "contacts") -> bytes:
    """*rows* (the first is the header) as the bytes of a .csv or .xlsx file."""
    return to_xlsx(rows, sheet_title) if file_format == "xlsx" else to_csv(rows)


def to_csv(rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte order mark, so Excel shows Hangul and Hanzi correctly; CRLF lines.
    Numbers and dates are written as str() gives them (dates in ISO form)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def export_filename(partner: Partner | None, file_format: str, today: date) -> str:
    """contacts-<partner or all>-<date>.<format>: ASCII, so every browser keeps it."""
    return f"contacts-{partner.slug if partner else 'all'}-{today.isoformat()}.{file_format}"
