"""History exports: CSV and XLSX bytes by page and by CLI, localized headers, the list's
filters, formula injection neutralized like the contact export, and bad input."""

import codecs
import csv
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter

from scheduler.contacts.io.xlsx import CHUNK_SIZE, DATE_FORMAT, xlsx_chunks
from scheduler.extensions import db as _db
from scheduler.history.reports import exports
from scheduler.i18n import localized
from scheduler.meetings.models import Participant
from tests.history_timeline_support import add_meeting, at

HEADERS = {
    "zh": ["序号", "日期（北京时间）", "时间（北京时间）", "时间（首尔时间）", "类别", "状态",
           "会议名称", "合作方", "参加人员", "成果摘要", "决定事项", "代表团访问"],
    "ko": ["번호", "날짜(창춘)", "시간(창춘)", "시간(서울)", "구분", "상태", "회의명",
           "협력 기관", "참석자", "성과 요약", "결정 사항", "대표단 방문"],
    "en": ["No.", "Date (Changchun)", "Time (Changchun)", "Time (Seoul)", "Kind", "Status",
           "Meeting title", "Partners", "Participants", "Outcome summary", "Decisions",
           "Delegation visit"],
}  # fmt: skip


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(body[len(codecs.BOM_UTF8) :].decode("utf-8"))))


def _xlsx_rows(body: bytes) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    assert workbook.sheetnames == ["history"]
    return [[cell or "" for cell in row] for row in workbook["history"].iter_rows(values_only=True)]


@pytest.fixture
def exported(auth, db, make_contact):
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    contact = make_contact("seoul")
    meetings = [
        add_meeting(user, at(2028, 3), title_zh="=HYPERLINK(\"http://x\")", title_ko="-2+3",
                    outcome=("+成果", "@성과"), contacts=[contact]),
        add_meeting(user, at(2028, 12, 31, 17), partners=("busan", "seoul"), kind="signing",
                    status="confirmed", title_zh="签约仪式"),
        add_meeting(user, at(2027, 5), partners=("busan",), title_zh="釜山 2027"),
    ]  # fmt: skip
    db.session.commit()
    return meetings


def test_csv_export_has_localized_headers_and_neutralized_cells(client, exported):
    first, signing, _old = exported
    response = client.get("/history/export.csv?partner=seoul")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="history-seoul-all-years.csv"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = _csv_rows(response.data)
    assert rows[0] == HEADERS["zh"]
    assert rows[1] == [
        str(signing.id),
        "2029-01-01",
        "01:00–02:30",
        "02:00–03:30",
        "签约（备忘录或协议）",
        "已确认",
        "签约仪式",
        "首尔特别市; 釜山广域市",
        "王芳",
        "",
        "",
        "",
    ]
    assert rows[2] == [
        str(first.id),
        "2028-03-15",
        "10:00–11:30",
        "11:00–12:30",
        "视频连线",
        "已举行",
        '\'=HYPERLINK("http://x")',
        "首尔特别市",
        "王芳; 金敏洙",
        "'+成果",
        "签署合作备忘录",
        "",
    ]
    assert len(rows) == 3


def test_xlsx_export_with_the_lists_filters_in_korean(auth, client, exported):
    auth.logout()
    auth.login("viewer", locale="ko")
    response = client.get("/history/export.xlsx?year=2028&kind=video_link&status=held")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="history-all-2028.xlsx"'
    )
    rows = _xlsx_rows(response.data)
    assert rows[0] == HEADERS["ko"]
    assert [row[6] for row in rows[1:]] == ["'-2+3"]
    assert rows[1][9] == "'@성과" and rows[1][4] == "화상회의" and rows[1][8] == "왕팡; 김민수"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_year_without_exchanges_gives_headers_only(client, exported, file_format):
    response = client.get(f"/history/export.{file_format}?year=2020")
    assert response.status_code == 200
    read = _csv_rows if file_format == "csv" else _xlsx_rows
    assert read(response.data) == [HEADERS["zh"]]
    if file_format == "xlsx":  # a valid file: the header with its filter, frozen
        sheet = openpyxl.load_workbook(io.BytesIO(response.data))["history"]
        assert sheet.auto_filter.ref == "A1:L1" and sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("url", "status"),
    [("/history/export.pdf", 404), ("/history/export.csv?partner=atlantis", 404),
     ("/history/export.csv?year=1900", 400), ("/history/export.xlsx?year=x", 400),
     ("/history/export.csv?kind=zzz&status=zzz", 200)],
)  # fmt: skip
def test_bad_input(client, exported, url, status):
    assert client.get(url).status_code == status


def test_cli_export_csv_in_korean_for_a_partner_and_year(app, exported, tmp_path):
    out = tmp_path / "busan.csv"
    result = app.test_cli_runner().invoke(
        args=["history", "export", "--format", "csv", "--out", str(out), "--partner", "busan",
              "--year", "2027", "--lang", "ko"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 1 exchanges to {out}.\n"
    rows = _csv_rows(out.read_bytes())
    assert rows[0] == HEADERS["ko"]
    assert rows[1][2:8] == [
        "10:00–11:30",
        "11:00–12:30",
        "화상회의",
        "개최 완료",
        "화상회의 2027-05-15",
        "부산광역시",
    ]


def test_cli_export_xlsx_in_english_with_everything(app, exported, tmp_path):
    out = tmp_path / "all.xlsx"
    result = app.test_cli_runner().invoke(
        args=["history", "export", "--format", "xlsx", "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    rows = _xlsx_rows(out.read_bytes())
    assert rows[0] == HEADERS["en"]
    assert [row[4] for row in rows[1:]] == ["MOU or agreement signing", "Video link", "Video link"]


def test_cli_export_for_an_empty_year_writes_headers(app, exported, tmp_path):
    out = tmp_path / "empty.csv"
    result = app.test_cli_runner().invoke(
        args=["history", "export", "--format", "csv", "--out", str(out), "--year", "2020"]
    )
    assert result.exit_code == 0 and result.output == f"Wrote 0 exchanges to {out}.\n"
    assert _csv_rows(out.read_bytes()) == [HEADERS["zh"]]


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--partner", "atlantis"], "no partner called 'atlantis'"),
     (["--year", "1800"], "1800 is not in the range 1992<=x<=2100"),
     (["--lang", "fr"], "'fr' is not one of 'zh', 'ko', 'en'")],
)  # fmt: skip
def test_cli_refuses_bad_options(app, exported, tmp_path, extra, message):
    out = tmp_path / "x.csv"
    result = app.test_cli_runner().invoke(
        args=["history", "export", "--format", "csv", "--out", str(out), *extra]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_export_reads_in_batches_and_keeps_every_row(client, exported):
    user = exported[0].organizer
    for day in range(1, 29):
        add_meeting(user, at(2026, 2, day), partners=("ulsan",))
    _db.session.commit()
    rows = _csv_rows(client.get("/history/export.csv?partner=ulsan").data)
    assert len(rows) == 29 and rows[1][1] == "2026-02-28" and rows[-1][1] == "2026-02-01"


def test_related_rows_stay_with_their_meeting_across_batches(client, exported, monkeypatch):
    """Meetings at one instant (ordered by id), with and without partners, other people and
    outcomes, read two rows at a time: each row keeps its own partners, people and outcome."""
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    user, contact = exported[0].organizer, exported[0].participants[1].contact
    same = at(2026, 2, 3)
    plans = [((), (), None), (("ulsan", "busan"), (contact,), ("一", "하나")),
             (("ulsan",), (), None), (("ulsan",), (contact,), ("三", "셋"))]  # fmt: skip
    for n, (partners, contacts, outcome) in enumerate(plans):
        add_meeting(user, same, partners=partners, contacts=contacts, outcome=outcome,
                    title_zh=f"同时 {n}")  # fmt: skip
    _db.session.commit()
    rows = _csv_rows(client.get("/history/export.csv?year=2026").data)
    assert [row[6:10] for row in rows[1:]] == [
        ["同时 3", "蔚山广域市", "王芳; 金敏洙", "三"],
        ["同时 2", "蔚山广域市", "王芳", ""],
        ["同时 1", "釜山广域市; 蔚山广域市", "王芳; 金敏洙", "一"],
        ["同时 0", "", "王芳", ""],
    ]


def test_the_xlsx_export_has_dates_numbers_a_filtered_frozen_header_and_fitted_columns(
    client, exported
):
    first, signing, old = exported
    response = client.get("/history/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == exports.MIMETYPES["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["history"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells == [
        HEADERS["zh"],
        [signing.id, datetime(2029, 1, 1), "01:00–02:30", "02:00–03:30", "签约（备忘录或协议）",
         "已确认", "签约仪式", "首尔特别市; 釜山广域市", "王芳", None, None, None],
        [first.id, datetime(2028, 3, 15), "10:00–11:30", "11:00–12:30", "视频连线", "已举行",
         '\'=HYPERLINK("http://x")', "首尔特别市", "王芳; 金敏洙", "'+成果", "签署合作备忘录",
         None],
        [old.id, datetime(2027, 5, 15), "10:00–11:30", "11:00–12:30", "视频连线", "已举行",
         "釜山 2027", "釜山广域市", "王芳", None, None, None],
    ]  # fmt: skip
    assert [sheet.cell(2, column).data_type for column in range(1, 8)] == ["n", "d"] + ["s"] * 5
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert "f" not in {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    assert sheet.auto_filter.ref == "A1:L4"
    widths = {letter: int(sheet.column_dimensions[letter].width) for letter in "ABCGH"}
    # Never below 10 (Excel's default is 8.43); Hanzi count double: 日期（北京时间） is 16 wide,
    # 首尔特别市; 釜山广域市 22; both plus a margin of 2.
    assert widths == {"A": 10, "B": 18, "C": 13, "G": 25, "H": 24}


def _written(rows) -> list[list]:
    body = b"".join(xlsx_chunks(iter(rows), sheet_title="history"))
    sheet = openpyxl.load_workbook(io.BytesIO(body))["history"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_writer_keeps_awkward_text_as_text():
    rows = [
        ["<b>&amp;</b> \"x\" 'y'", "  leading and trailing  ", "", "bell\x07 and\x1b escape"],
        ["first\r\nsecond\rthird", "=1+1", "x" * 40000, "한글 中文 English · ①"],
        ["<r>&</r>", "+82-2-120", "-1+1", "@SUM(A1)"],
    ]
    assert _written(rows) == [
        ["<b>&amp;</b> \"x\" 'y'", "  leading and trailing  ", None, "bell and escape"],
        ["first\nsecond\nthird", "=1+1", "x" * 32767, "한글 中文 English · ①"],
        ["<r>&</r>", "+82-2-120", "-1+1", "@SUM(A1)"],
    ]


def test_the_writer_types_cells_by_their_values():
    rows = [["n", "when", "at", "ratio", "flag"], [7, date(2028, 2, 29), datetime(2028, 1, 2, 9, 5),
            1.5, True], [None, None, None, None, None]]  # fmt: skip
    assert _written(rows) == [
        ["n", "when", "at", "ratio", "flag"],
        [7, datetime(2028, 2, 29), datetime(2028, 1, 2, 9, 5), 1.5, "True"],
    ]


def test_the_written_file_is_handed_out_in_chunks():
    rows = ([n, f"会议 {n} {n * 7919 % 10007}", f"회의 {n}"] for n in range(20000))
    pieces = list(xlsx_chunks(rows, sheet_title="history"))
    assert len(pieces) > 1 and all(len(piece) == CHUNK_SIZE for piece in pieces[:-1])
    cells = _written_body(b"".join(pieces))
    assert len(cells) == 20000 and cells[19999] == [19999, "会议 19999 1299", "회의 19999"]


def _written_body(body: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True)["history"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("lang", ["zh", "ko", "en"])
def test_titles_summaries_and_guests_fall_back_as_everywhere_else(app, exported, tmp_path, lang):
    """The export picks titles and summaries in the database: the same text localized()
    picks, a missing language falling back; a guest without a name shows the e-mail."""
    user = exported[0].organizer
    both = add_meeting(user, at(2025, 3), title_zh="中文", title_ko="한국어", outcome=("", "요약"))
    korean = add_meeting(user, at(2025, 4), title_zh="", title_ko="한국어만", outcome=("摘要", ""))
    both.participants.append(Participant(guest_email="guest@example.org"))
    korean.participants.append(Participant(guest_name="Guest", guest_email="g@example.org"))
    _db.session.commit()
    out = tmp_path / "2025.csv"
    args = ["history", "export", "--format", "csv", "--out", str(out), "--year", "2025"]
    assert app.test_cli_runner().invoke(args=[*args, "--lang", lang]).exit_code == 0
    rows = _csv_rows(out.read_bytes())
    expected = [
        [localized(m, "title", lang), localized(m.outcome, "summary", lang)] for m in (korean, both)
    ]
    assert [[row[6], row[9]] for row in rows[1:]] == expected
    assert [row[8].split("; ")[-1] for row in rows[1:]] == ["Guest", "guest@example.org"]


def test_the_writer_writes_days_as_write_datetime_writes_them():
    """Days go in as Excel day numbers: the very numbers XlsxWriter's write_datetime() gives,
    around Excel's phantom 1900-02-29 as well."""
    days = [date(1899, 12, 31), date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1),
            date(1950, 1, 1), date(2028, 2, 29), date(2199, 12, 31)]  # fmt: skip
    ours = b"".join(xlsx_chunks(iter([["day"], *([day] for day in days)]), "history"))
    theirs = io.BytesIO()
    workbook = xlsxwriter.Workbook(theirs, {"constant_memory": True})
    sheet = workbook.add_worksheet("history")
    day_format = workbook.add_format({"num_format": DATE_FORMAT})
    for row, day in enumerate(days, start=1):
        sheet.write_datetime(row, 0, day, day_format)
    workbook.close()
    assert _day_numbers(ours) == _day_numbers(theirs.getvalue()) != []
    # A reader sees the days again (day 0, "1900-01-00", is read back as a time of day).
    cells = [row[0] for row in _written([["day"], *([day] for day in days[1:])])[1:]]
    assert cells == [datetime.combine(day, datetime.min.time()) for day in days[1:]]


def _day_numbers(body: bytes) -> list[str]:
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    return re.findall(r'<c r="A\d+" s="\d+"><v>([^<]*)</v></c>', sheet)


def test_unusual_but_harmless_text_is_written_as_it_is():
    """Text that is not plainly printable (no-break and ideographic spaces, a line separator)
    or starts like markup, without being a control character or rich text, is kept."""
    row = ["a\u00a0b\u3000c", "line\u2028separator", "<", "<r>", "<r>open", "tab\there"]
    assert _written([row]) == [row]
