"""Reading contact files: the bytes of a CSV or XLSX file in, a header-checked table out.

Nothing here touches the database; scheduler.contacts.io checks the rows themselves.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import NamedTuple

import openpyxl
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from openpyxl.utils import get_column_letter

from scheduler.errors import UserError, import_max_rows, too_many_rows

# The columns, in its order; a header row must name every one of them.
REQUIRED_COLUMNS = (
    "partner",
    "family_name_ko",
    "given_name_ko",
    "family_name_zh",
    "given_name_zh",
    "romanized",
    "title_ko",
    "title_zh",
    "department",
    "email",
    "phone",
    "language",
    "timezone",
    "notes",
)
# Optional on import (older files lack it), always exported so a round trip loses nothing.
OPTIONAL_COLUMNS = ("department_zh",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Only this many columns of a row are kept (the known ones and a few for unknown headers);
# beyond them only the first non-blank cell is noted, to be reported. Bounds memory per row.
READ_COLUMNS = len(COLUMNS) + 5
# The format's own last row: openpyxl would follow any row number a hostile file names.
XLSX_MAX_ROWS = 1_048_576

# Spreadsheets run a cell that starts with one of these as a formula. Export prefixes such a
# cell with one quote; so does a cell that is already quotes followed by one of these, which
# makes "strip exactly one quote" on import give back the original text every time.
QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")

# Columns whose text is Korean or Chinese: they tell a Korean file from a Chinese one.
KOREAN_COLUMNS = ("family_name_ko", "given_name_ko", "title_ko", "department")
CHINESE_COLUMNS = ("family_name_zh", "given_name_zh", "title_zh", "department_zh")
# What Korean and Chinese Excel write for "CSV" (cp949 is Windows' superset of EUC-KR).
LEGACY_ENCODINGS = (("cp949", "EUC-KR"), ("gb18030", "GB18030"))


@dataclass(frozen=True)
class Problem:
    """One reason an import cannot go ahead. Row 1 is the header row, as in a spreadsheet."""

    row: int | None
    column: str | None
    reason: LazyString | str  # rendered in the reader's language


class ImportFileError(UserError):
    """The file as a whole cannot be used; *problems* say why (the page lists them all)."""

    def __init__(self, *problems: Problem):
        super().__init__()
        self.problems = list(problems)


class Line(NamedTuple):
    """A row of the file: its first READ_COLUMNS cells as text and the first value beyond them.

    *stray* is (column index from 0, text) of the first non-blank cell past the window, or None.
    """

    cells: list[str]
    stray: tuple[int, str] | None = None


@dataclass
class Table:
    """The data rows of a file, keyed by column name, with their spreadsheet row numbers."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem] = field(default_factory=list)


def file_error(reason) -> ImportFileError:
    return ImportFileError(Problem(None, None, reason))


def unquote(text: str) -> str:
    """Undo the export's formula neutralization: drop one leading quote before a formula start."""
    return text[1:] if QUOTED_FORMULA.match(text) else text


def read_table(filename: str, data: bytes, max_rows: int | None = None) -> Table:
    """The header-checked table in *data*, a .csv or .xlsx file. Raises ImportFileError.

    At most *max_rows* non-blank rows below the header (IMPORT_MAX_ROWS by default) and
    READ_COLUMNS columns are read, whatever size the file declares.
    """
    if not data:
        raise file_error(_l("The file is empty."))
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        lines = read_xlsx(data)
    elif suffix == ".csv":
        lines = read_csv(data)
    else:
        raise file_error(_l("Upload a .csv or .xlsx file."))
    limit = import_max_rows() if max_rows is None else max_rows
    with closing(lines):  # stopping early closes the workbook at once
        numbered = non_blank_lines(lines, limit + 2)  # the header, the rows, one too many
    return build_table(numbered, limit)


def non_blank_lines(lines: Iterable[tuple[int, Line]], most: int) -> list[tuple[int, Line]]:
    """The first *most* non-blank of the numbered *lines* (a reader's output).

    Read before anything is checked, so a damaged file is reported as such first.
    """
    numbered = []
    for number, line in lines:
        if not is_blank_line(line):
            numbered.append((number, line))
            if len(numbered) == most:
                break
    return numbered


def clip(values) -> Line:
    """*values* (a row of a CSV file or worksheet) cut to the READ_COLUMNS window."""
    cells = [cell_text(value) for value in values[:READ_COLUMNS]]
    tail = values[READ_COLUMNS:]
    if tail.count(None) + tail.count("") == len(tail):  # the usual case, at C speed
        return Line(cells)
    for index, value in enumerate(tail, start=READ_COLUMNS):
        text = cell_text(value)
        if text.strip():
            return Line(cells, (index, text))
    return Line(cells)


# --- CSV ---------------------------------------------------------------------------------


def read_csv(data: bytes) -> Iterator[tuple[int, Line]]:
    """The numbered rows (from 1) of a UTF-8 CSV file, with or without a byte order mark.

    Empty lines are left out.
    """
    text = decode_csv(data)
    try:
        rows = csv.reader(io.StringIO(text, newline=""), strict=True)
        for number, row in enumerate(rows, start=1):
            if row:
                yield number, clip(row)
    except csv.Error as error:
        raise file_error(
            _l("This CSV file is malformed (for example, a quotation mark is never closed).")
        ) from error


def decode_csv(data: bytes) -> str:
    """*data* as text; a clear error for legacy encodings and for files cut off mid-character."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _decoding_error(data, error) from error


def _decoding_error(data: bytes, error: UnicodeDecodeError) -> ImportFileError:
    if error.end == len(data) and error.reason == "unexpected end of data":
        return file_error(
            _l(
                "The file ends in the middle of a character: it seems to be cut off. "
                "Save or download it again and upload the complete file."
            )
        )
    encoding = guess_legacy_encoding(data)
    if encoding:
        return file_error(
            _l(
                "This file is saved in the %(encoding)s encoding. Save it as “CSV UTF-8” "
                "or upload the Excel workbook (.xlsx) instead.",
                encoding=encoding,
            )
        )
    return file_error(_l("This file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))


def guess_legacy_encoding(data: bytes) -> str | None:
    """ "EUC-KR" or "GB18030" when *data* reads plausibly in that encoding, else None.

    Both decode each other's bytes without error, and statistical detectors cannot separate
    them on a few short names, so we use what we know: Korean columns hold Hangul and Chinese
    columns hold Han characters. The encoding that fits the columns better wins; a tie is None.
    """
    scores = {}
    for codec, label in LEGACY_ENCODINGS:
        try:
            scores[label] = script_fit(data.decode(codec))
        except UnicodeDecodeError:
            continue
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] <= 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def script_fit(text: str) -> int:
    """Characters in the right script for their column minus those in the wrong one."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return 0
    names = [cell.strip().lower() for cell in rows[0]]
    score = 0
    for row in rows[1:]:
        for name, cell in zip(names, row, strict=False):
            if name in KOREAN_COLUMNS:
                score += _count(cell, is_hangul) - _count(cell, is_han)
            elif name in CHINESE_COLUMNS:
                score += _count(cell, is_han) - _count(cell, is_hangul)
    return score


def _count(text: str, predicate) -> int:
    return sum(1 for char in text if predicate(char))


HANGUL_RANGES = (("\uac00", "\ud7a3"), ("\u1100", "\u11ff"), ("\u3130", "\u318f"))
# Korean Hanja decode partly to the compatibility ideographs (the U+F900 block).
HAN_RANGES = (("\u4e00", "\u9fff"), ("\u3400", "\u4dbf"), ("\uf900", "\ufaff"))


def is_hangul(char: str) -> bool:
    return any(low <= char <= high for low, high in HANGUL_RANGES)


def is_han(char: str) -> bool:
    return any(low <= char <= high for low, high in HAN_RANGES)


# --- XLSX --------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> Iterator[tuple[int, Line]]:
    """The numbered rows of the first worksheet of an .xlsx workbook, as text.

    Rows without cells are left out. The sheet's declared dimension is ignored: read-only
    openpyxl would pad every row to it, and every missing row up to the last one, so a 1.5 KB
    file declaring A1:XFD1048576 asked for about 137 GB. Each row is as wide as its last cell.
    """
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML, key and value errors on bad input
        raise _not_a_workbook() from error
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=XLSX_MAX_ROWS, values_only=True)
        for number, row in enumerate(rows, start=1):
            if row:  # a missing row comes as an empty tuple
                yield number, clip(row)
    except Exception as error:  # a damaged sheet fails only while it is being read
        raise _not_a_workbook() from error
    finally:
        workbook.close()


def _not_a_workbook() -> ImportFileError:
    return file_error(
        _l(
            "This file is not an Excel workbook (.xlsx). Save it from Excel as “Excel Workbook” "
            "or upload a CSV file instead."
        )
    )


def cell_text(value) -> str:
    """A spreadsheet value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers come back as floats
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- Header ------------------------------------------------------------------------------


def build_table(numbered: list[tuple[int, Line]], max_rows: int) -> Table:
    """Check the header row (the first non-blank line) and key every later line by it.

    More than *max_rows* lines below the header refuse the whole file.
    """
    if not numbered:
        raise file_error(_l("The file is empty."))
    (header_number, header), *body = numbered
    columns = [str(name).strip().lower() for name in header.cells]
    check_header(header_number, columns, [header.stray[1]] if header.stray else [])
    if len(body) > max_rows:
        raise file_error(too_many_rows(max_rows))
    table = Table(columns=[c for c in columns if c], rows=[])
    for number, line in body:
        table.rows.append((number, _keyed(columns, line.cells)))
        table.problems.extend(_cells_without_header(number, columns, line))
    if not table.rows:
        raise file_error(_l("The file has a header row but no contacts below it."))
    return table


def is_blank_line(line: Line) -> bool:
    return line.stray is None and is_blank(line.cells)


def is_blank(cells) -> bool:
    return all(not str(cell or "").strip() for cell in cells)


def check_header(row: int, columns: list[str], beyond: Iterable[str] = ()) -> None:
    """Raise ImportFileError naming every unknown, repeated and missing column.

    *beyond* are names found past the READ_COLUMNS window: never read, so always unknown.
    """
    problems = []
    seen = set()
    for name in filter(None, columns):
        if name not in COLUMNS:
            reason = _l("Unknown column. The columns are: %(columns)s.", columns=", ".join(COLUMNS))
            problems.append(Problem(row, name, reason))
        elif name in seen:
            problems.append(Problem(row, name, _l("This column appears more than once.")))
        seen.add(name)
    for name in beyond:
        reason = _l("Unknown column. The columns are: %(columns)s.", columns=", ".join(COLUMNS))
        problems.append(Problem(row, name.strip().lower(), reason))
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(row, name, _l("This column is missing.")))
    if problems:
        raise ImportFileError(*problems)


def _keyed(columns: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cell for name, cell in zip(columns, cells, strict=False) if name}


def _cells_without_header(row: int, columns: list[str], line: Line) -> list[Problem]:
    cells = list(enumerate(line.cells)) + ([line.stray] if line.stray else [])
    problems = []
    for index, cell in cells:
        unnamed = index >= len(columns) or not columns[index]
        if unnamed and str(cell).strip():
            reason = _l("This cell has a value but its column has no header.")
            problems.append(Problem(row, get_column_letter(index + 1), reason))
    return problems
