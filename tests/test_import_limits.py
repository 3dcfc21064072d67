"""Bounded imports: a workbook's declared size is ignored, and rows and columns are capped.

A 1.5 KB workbook declaring A1:XFD1048576 once made read-only openpyxl pad every row to
16,384 cells and a million rows (about 137 GB). Memory is measured with tracemalloc; no test
asserts a time.
"""

import io
import re
import tracemalloc
import zipfile

import pytest

from scheduler.availability.models import HolidayOverride
from scheduler.contacts.models import Contact
from tests.conftest import count
from tests.test_contacts_io import HEADER, _contact, _csv, _report, _row, _upload, _xlsx

HOSTILE_DIMENSION = "A1:XFD1048576"
MEMORY_BUDGET = 50 * 1024 * 1024
LIMIT = 5
REFUSED = {
    "en": "The file has more than 5 rows below the header. "
    "Split it into smaller files and import them one at a time.",
    "zh": "标题行下方的行数超过 5 行。请将文件拆分为几个较小的文件，逐个导入。",
    "ko": "제목 행 아래의 행이 5개를 넘습니다. "
    "파일을 더 작은 파일 여러 개로 나누어 하나씩 가져오세요.",
}


def _rewrite_sheet(workbook: bytes, pattern: bytes, replacement: bytes, flags=0) -> bytes:
    """*workbook* with *pattern* replaced once in its first sheet's XML."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, found = re.subn(pattern, replacement, data, flags=flags)
                assert found == 1
            target.writestr(item.filename, data)
    return buffer.getvalue()


def _declare_dimension(workbook: bytes, ref: str = HOSTILE_DIMENSION) -> bytes:
    """*workbook* with the `<dimension ref=...>` of its first sheet rewritten to *ref*."""
    return _rewrite_sheet(workbook, rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode())


def _with_cell(workbook: bytes, row: int, cell: str) -> bytes:
    """*workbook* with a raw `<c>` element *cell* appended to row *row* of its first sheet."""
    pattern = rb'(<row r="%d"[^>]*>.*?)(</row>)' % row
    return _rewrite_sheet(workbook, pattern, rb"\1" + cell.encode() + rb"\2", flags=re.S)


def _peak_rise(action):
    """(what *action* returned, the most traced memory it added at any moment)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = action()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _last_row(workbook: bytes) -> bytes:
    """*workbook* with an empty row at 1,048,576, the last a sheet can have."""
    return _rewrite_sheet(workbook, rb"</sheetData>", b'<row r="1048576"/></sheetData>')


@pytest.fixture
def wide():
    """A workbook of one contact that declares the largest possible sheet."""
    return _declare_dimension(_xlsx([_row()]))


@pytest.fixture
def hostile(wide):
    """*wide* with an empty last row: read-only openpyxl pads every row to the declared width
    and fills in the missing rows up to the last one, a million rows of 16,384 cells."""
    data = _last_row(wide)
    assert len(data) < 8 * 1024  # about the reported 1.5 KB of compressed XML, plus zip overhead
    return data


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", LIMIT)


# --- The hostile workbook ---------------------------------------------------------------------


def test_hostile_dimension_imports_its_real_rows_by_page(client, db, auth, hostile):
    auth.login("coordinator", locale="en")
    before = count(Contact)
    response, rise = _peak_rise(lambda: _upload(client, "hostile.xlsx", hostile))
    assert response.status_code == 302, _report(response)
    assert rise < MEMORY_BUDGET
    assert count(Contact) == before + 1
    assert _contact("seojun.park@busan.example.kr").romanized == "Park Seo-jun"


def test_hostile_dimension_imports_its_real_rows_by_cli(app, db, tmp_path, hostile):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(hostile)
    runner = app.test_cli_runner()
    result, rise = _peak_rise(lambda: runner.invoke(args=["contacts", "import", str(path)]))
    assert result.exit_code == 0, result.output
    assert "Imported hostile.xlsx: 1 created, 0 updated, 0 unchanged." in result.output
    assert rise < MEMORY_BUDGET


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


UNKNOWN_COLUMN = "Unknown column. The columns are: " + ", ".join([*HEADER, "department_zh"]) + "."
NO_HEADER = "This cell has a value but its column has no header."


@pytest.mark.parametrize(
    ("row", "ref", "text", "problem"),
    [
        (1, "XFD1", " Fax ", ("1", "fax", UNKNOWN_COLUMN)),  # a header at the last column
        (2, "XFD2", "surprise", ("2", "XFD", NO_HEADER)),  # a value far beyond the headers
    ],
)
def test_cells_far_right_are_found_without_reading_the_columns_between(
    client, db, auth, wide, row, ref, text, problem
):
    auth.login("coordinator", locale="en")
    data = _with_cell(wide, row, _inline(ref, text))
    response, rise = _peak_rise(lambda: _upload(client, "far.xlsx", data))
    assert response.status_code == 400
    assert rise < MEMORY_BUDGET
    assert _report(response) == [problem]
    assert count(Contact) == 0


def test_csv_columns_beyond_the_window_are_reported_as_today(client, db, auth):
    auth.login("coordinator", locale="en")
    data = _csv([_row()]).rstrip(b"\r\n") + b"," * 20 + b"surprise\r\n"
    reason = "This cell has a value but its column has no header."
    assert _report(_upload(client, "people.csv", data)) == [("2", "AH", reason)]
    data = _csv([_row()], header=[*HEADER, *[""] * 20, "fax"])
    columns = ", ".join([*HEADER, "department_zh"])
    response = _upload(client, "people.csv", data)
    assert _report(response) == [("1", "fax", f"Unknown column. The columns are: {columns}.")]


# --- IMPORT_MAX_ROWS ------------------------------------------------------------------------


def _people(number: int) -> list[dict]:
    return [_row(email=f"person{n}@busan.example.kr") for n in range(number)]


FILES = {"csv": _csv, "xlsx": _xlsx}


@pytest.mark.parametrize("file_format", FILES)
@pytest.mark.parametrize("locale", ["zh", "ko"])
def test_one_row_too_many_is_refused_in_the_readers_language(
    client, db, auth, small_limit, file_format, locale
):
    auth.login("coordinator", locale=locale)
    response = _upload(client, f"people.{file_format}", FILES[file_format](_people(LIMIT + 1)))
    assert response.status_code == 400
    assert _report(response) == [("—", "—", REFUSED[locale])]
    assert count(Contact) == 0


@pytest.mark.parametrize("file_format", FILES)
def test_exactly_the_limit_is_imported(client, db, auth, small_limit, file_format):
    auth.login("coordinator", locale="en")
    response = _upload(client, f"people.{file_format}", FILES[file_format](_people(LIMIT)))
    assert response.status_code == 302, _report(response)
    assert count(Contact) == LIMIT


def test_blank_rows_do_not_count(client, db, auth, small_limit):
    auth.login("coordinator", locale="en")
    blank = b"," * (len(HEADER) - 1) + b"\r\n"
    data = _csv(_people(LIMIT)) + blank * 50
    assert _upload(client, "people.csv", data).status_code == 302
    assert count(Contact) == LIMIT


def test_cli_refuses_one_row_too_many(app, db, tmp_path, small_limit):
    path = tmp_path / "people.xlsx"
    path.write_bytes(_xlsx(_people(LIMIT + 1)))
    result = app.test_cli_runner().invoke(args=["contacts", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"file: {REFUSED['en']}",
        "1 problem(s) found; nothing was imported.",
    ]
    assert count(Contact) == 0


def test_the_default_limit_is_ten_thousand(app):
    assert app.config["IMPORT_MAX_ROWS"] == 10_000


def _overrides(number: int) -> str:
    header = "country,date,kind,name_zh,name_ko,name_en\n"
    return header + "".join(f"CN,2027-03-{day:02d},workday,,,\n" for day in range(1, number + 1))


def test_holiday_overrides_obey_the_same_limit(app, db, tmp_path, small_limit):
    path = tmp_path / "overrides.csv"
    path.write_text(_overrides(LIMIT + 1) + "\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["holidays", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Row {LIMIT + 2}: {REFUSED['en']}",
        "1 problem(s) found; nothing was imported.",
    ]
    assert count(HolidayOverride) == 0
    path.write_text(_overrides(LIMIT) + "\n\n", encoding="utf-8")
    result = runner.invoke(args=["holidays", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert count(HolidayOverride) == LIMIT
