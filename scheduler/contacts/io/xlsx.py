"""Write a sheet: the one home of the .xlsx files the exports give (contacts, history).

XlsxWriter does the writing in ``constant_memory`` mode: each row goes to a temporary file on
disk as it is written, so 50,000 rows never sit in memory as cells; the finished file is then
handed out in chunks and deleted when the download is done (or abandoned).

Cells are typed by their Python value: text is always written with ``write_string`` (never
``write()``, which would turn "=..." into a formula), numbers as numbers, dates and naive
datetimes as dates with a number format. The header row is frozen and carries an autofilter;
column widths fit the header and the first rows (a Hanzi or Hangul character counts double).
"""

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO

import xlsxwriter

MAX_CELL_CHARS = 32767  # Excel's limit for one cell
CHUNK_SIZE = 64 * 1024
SAMPLE_ROWS = 100  # rows after the header that column widths are fitted to
MIN_WIDTH, MAX_WIDTH = 10, 60  # character widths: never below Excel's default 8.43
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
# Characters XML (and so Excel) refuses; tab and line feed are kept.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
_EXCEL_DAY_ZERO = date(1899, 12, 31)
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "in_memory": False,  # the parts go to temporary files, not to memory
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}


def cell_text(text: str) -> str:
    """*text* as a cell can hold it: line breaks as LF (Excel's own; a CR would be kept as an
    escape that other readers show as "_x000D_"), control characters dropped, cut at Excel's
    limit."""
    if len(text) <= MAX_CELL_CHARS and text.isprintable():
        # Most cells: no character of the Unicode category Cc (so no control character nor
        # line break) and short enough. isprintable() runs in C, far quicker than the regex.
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)[:MAX_CELL_CHARS]


def excel_day(day: date) -> int:
    """*day* as Excel's serial day number (1 = 1900-01-01), counted as XlsxWriter counts it for
    write_datetime(), Excel's phantom 1900-02-29 included: the same number in the file."""
    serial = (day - _EXCEL_DAY_ZERO).days
    return serial + 1 if serial > 59 else serial


def display_width(value) -> int:
    """How many character widths *value* takes in a cell: wide (CJK) characters count two."""
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    text = value if isinstance(value, str) else str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    # No column is wider than MAX_WIDTH: the characters past it need not be looked at.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest[:MAX_WIDTH])


class _Sheet:
    """One worksheet being written row by row, remembering how wide each column should be."""

    def __init__(self, workbook, title: str):
        self.worksheet = sheet = workbook.add_worksheet(title)
        day = workbook.add_format({"num_format": DATE_FORMAT})
        moment = workbook.add_format({"num_format": DATETIME_FORMAT})
        # How each type of value but text is written, looked up once per cell (bool is not a
        # number). A date is its day number in the date format: what write_datetime() would
        # write, without its general conversion (a tenth of the export's cells are dates).
        self.writers = {
            int: sheet.write_number,
            float: sheet.write_number,
            date: lambda row, col, value: sheet.write_number(row, col, excel_day(value), day),
            datetime: lambda row, col, value: sheet.write_datetime(row, col, value, moment),
        }
        self.widths: list[int] = []
        self.rows = 0

    def write_row(self, values: Sequence) -> None:
        if self.rows <= SAMPLE_ROWS:
            self._measure(values)
        row, writers, other = self.rows, self.writers, self._write_other
        write_text, write_string = self._write_text, self.worksheet.write_string
        for column, value in enumerate(values):
            # Text first and without a lookup: nine cells in ten are text, and most of them
            # plain (see cell_text) and not like rich text: written at once.
            if value.__class__ is str:
                if not value:
                    continue
                if value.isprintable() and value[:1] != "<" and len(value) <= MAX_CELL_CHARS:
                    write_string(row, column, value)
                else:
                    write_text(row, column, value)
            elif value is not None and value != "":
                writers.get(type(value), other)(row, column, value)
        self.rows += 1

    def _write_text(self, row: int, column: int, text: str) -> None:
        text = cell_text(text)
        if text.startswith("<r>") and text.endswith("</r>"):
            # In constant_memory mode XlsxWriter copies such a string into the file unescaped,
            # as ready-made rich text: written as three plain fragments it is escaped instead.
            self.worksheet.write_rich_string(row, column, text[:1], text[1:2], text[2:])
        else:
            self.worksheet.write_string(row, column, text)

    def _write_other(self, row: int, column: int, value) -> None:
        self._write_text(row, column, str(value))

    def _measure(self, values: Sequence) -> None:
        for column, value in enumerate(values):
            width = display_width(value) if value is not None else 0
            if column == len(self.widths):
                self.widths.append(width)
            elif width > self.widths[column]:
                self.widths[column] = width

    def finish(self) -> None:
        """Column widths, the frozen header and an autofilter over the header (and the data)."""
        sheet = self.worksheet
        for column, width in enumerate(self.widths):
            sheet.set_column(column, column, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
        if self.widths:
            sheet.autofilter(0, 0, max(self.rows - 1, 0), len(self.widths) - 1)
        sheet.freeze_panes(1, 0)


def write_sheet(rows: Iterable[Sequence], sheet_title: str, target: IO[bytes]) -> int:
    """Write *rows* (the first is the header) as a one-sheet .xlsx file into the binary file
    *target*; returns how many rows were written, the header included."""
    workbook = xlsxwriter.Workbook(target, _WORKBOOK_OPTIONS)
    try:
        sheet = _Sheet(workbook, sheet_title)
        for values in rows:
            sheet.write_row(values)
        sheet.finish()
    finally:
        workbook.close()
    return sheet.rows


def xlsx_chunks(rows: Iterable[Sequence], sheet_title: str) -> Iterator[bytes]:
    """The .xlsx file of *rows*, written to a temporary file first, then read out in chunks.
    The file is deleted when the last chunk is taken or the generator is closed."""
    with tempfile.TemporaryFile() as file:
        write_sheet(rows, sheet_title, file)
        file.seek(0)
        while chunk := file.read(CHUNK_SIZE):
            yield chunk


def to_xlsx(rows: Iterable[Sequence], sheet_title: str) -> bytes:
    """The whole .xlsx file of *rows* at once (small files: the contact export, a template)."""
    return b"".join(xlsx_chunks(rows, sheet_title))
