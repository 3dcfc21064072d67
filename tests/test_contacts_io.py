"""Contact import and export: CSV and XLSX, by page and by CLI, and every kind of bad file."""

import csv
import html
import io
import re
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.extensions import db as _db
from scheduler.partners.services import get_partner
from tests.conftest import count

HEADER = [
    "partner", "family_name_ko", "given_name_ko", "family_name_zh", "given_name_zh", "romanized",
    "title_ko", "title_zh", "department", "email", "phone", "language", "timezone", "notes",
]  # fmt: skip
EXPORT_HEADER = [*HEADER, "department_zh"]
STORED_FIELDS = (
    "family_name_ko", "given_name_ko", "family_name_zh", "given_name_zh", "romanized_family",
    "romanized_given", "title_ko", "title_zh", "department_ko", "department_zh", "email", "phone",
    "language", "timezone", "notes", "is_active",
)  # fmt: skip


def _row(**overrides) -> dict:
    row = {
        "partner": "busan",
        "family_name_ko": "박",
        "given_name_ko": "서준",
        "family_name_zh": "朴",
        "given_name_zh": "瑞俊",
        "romanized": "Park Seo-jun",
        "title_ko": "주무관",
        "title_zh": "主务官",
        "department": "국제협력과",
        "email": "seojun.park@busan.example.kr",
        "phone": "+82-51-888-1234",
        "language": "ko",
        "timezone": "Asia/Seoul",
        "notes": "",
    }
    row.update(overrides)
    return row


def _second_row(**overrides) -> dict:
    values = dict(family_name_ko="이", given_name_ko="지은", family_name_zh="李",
                  given_name_zh="智恩", romanized="Lee Ji-eun",
                  email="jieun.lee@busan.example.kr", language="", timezone="")  # fmt: skip
    return _row(**{**values, **overrides})


def _csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[r.get(column, "") for column in header] for r in rows])
    return buffer.getvalue().encode(encoding)


def _xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(column.strip().lower(), "") for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, filename, data, update=False):
    form = {"file": (io.BytesIO(data), filename)}
    if update:
        form["update_existing"] = "y"
    return client.post("/contacts/import", data=form, content_type="multipart/form-data")


def _report(response) -> list[tuple[str, str, str]]:
    """The (row, column, reason) rows of the problem table, unescaped."""
    page = response.get_data(as_text=True)
    body = page.split('id="import-problems"', 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", body, re.S)
    return [tuple(_cell_text(c) for c in cell) for cell in cells]


def _cell_text(cell: str) -> str:
    return html.unescape(re.sub(r"</?code>", "", cell)).strip()


def _contact(email) -> Contact:
    return _db.session.scalars(sa.select(Contact).where(Contact.email == email)).one()


def _snapshot():
    contacts = _db.session.scalars(sa.select(Contact).order_by(Contact.id)).all()
    return [(c.partner.slug, *(getattr(c, f) for f in STORED_FIELDS)) for c in contacts]


@pytest.fixture
def editor(auth):
    return auth.login("coordinator", locale="en")


# --- Happy paths -----------------------------------------------------------------------------


def test_csv_import_by_page_creates_contacts_and_one_audit_entry(client, db, editor):
    before, audit_before = count(Contact), count(AuditEntry)
    response = _upload(client, "people.csv", _csv([_row(), _second_row()]))
    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts/"
    assert "Import finished. Added: 2. Updated: 0. Unchanged: 0." in client.get(
        "/contacts/"
    ).get_data(as_text=True)
    assert count(Contact) == before + 2
    park = _contact("seojun.park@busan.example.kr")
    assert park.partner.slug == "busan"
    assert (park.romanized_family, park.romanized_given, park.romanized) == (
        "Park", "Seo-jun", "Park Seo-jun")  # fmt: skip
    assert (park.department_ko, park.department_zh, park.phone) == (
        "국제협력과",
        "",
        "+82-51-888-1234",
    )
    lee = _contact("jieun.lee@busan.example.kr")
    assert (lee.language, lee.timezone) == ("ko", get_partner("busan").timezone)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert (entry.user_id, entry.object_type, entry.object_label) == (
        editor.id, "contacts", "people.csv")  # fmt: skip
    assert entry.changes == {"created": 2, "updated": 0, "unchanged": 0}
    assert count(AuditEntry) == audit_before + 3  # two automatic "create" rows and the import


def test_xlsx_import_by_page_with_columns_in_any_order(client, db, editor):
    header = [" Email ", "NOTES", *[c for c in reversed(HEADER) if c not in ("email", "notes")],
              "department_zh"]  # fmt: skip
    rows = [_row(department_zh="国际合作科", notes="첫 줄\n둘째 줄")]
    response = _upload(client, "people.xlsx", _xlsx(rows, header))
    assert response.status_code == 302
    park = _contact("seojun.park@busan.example.kr")
    assert (park.department_zh, park.notes, park.title_zh) == (
        "国际合作科",
        "첫 줄\n둘째 줄",
        "主务官",
    )


def test_xlsx_numbers_and_blank_rows(client, db, editor):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([None] * len(HEADER))
    values = _row()
    values["phone"] = 821088881234
    sheet.append([values[c] for c in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = count(Contact)
    assert _upload(client, "people.xlsx", buffer.getvalue()).status_code == 302
    assert count(Contact) == before + 1
    assert _contact("seojun.park@busan.example.kr").phone == "821088881234"


def test_csv_with_byte_order_mark_and_blank_rows(client, db, editor):
    data = b"\xef\xbb\xbf" + _csv([_row()]) + b",,,,,,,,,,,,,\r\n\r\n"
    assert _upload(client, "bom.csv", data).status_code == 302
    assert _contact("seojun.park@busan.example.kr").family_name_ko == "박"


def test_cli_imports_csv_and_xlsx(app, db, tmp_path):
    runner = app.test_cli_runner()
    csv_file = tmp_path / "people.csv"
    csv_file.write_bytes(_csv([_row()]))
    result = runner.invoke(args=["contacts", "import", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "Imported people.csv: 1 created, 0 updated, 0 unchanged." in result.output
    xlsx_file = tmp_path / "more.xlsx"
    xlsx_file.write_bytes(_xlsx([_second_row()]))
    result = runner.invoke(args=["contacts", "import", str(xlsx_file)])
    assert result.exit_code == 0, result.output
    assert "Imported more.xlsx: 1 created, 0 updated, 0 unchanged." in result.output
    assert _contact("jieun.lee@busan.example.kr").romanized == "Lee Ji-eun"
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert sorted(e.object_label for e in entries) == ["more.xlsx", "people.csv"]
    assert {e.user_id for e in entries} == {None}


def test_cli_reports_problems_in_english_and_imports_nothing(app, db, tmp_path):
    before = count(Contact)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([_row(), _second_row(email="not-an-email", timezone="UTC+8")]))
    result = app.test_cli_runner().invoke(args=["contacts", "import", str(bad)])
    assert result.exit_code == 1
    assert "row 3, column email: This is not a valid e-mail address." in result.output
    assert (
        "row 3, column timezone: Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."
        in result.output
    )
    assert "2 problem(s) found; nothing was imported." in result.output
    assert count(Contact) == before


def test_cli_update_existing(app, db, tmp_path, make_contact):
    make_contact("seoul", email="seojun.park@busan.example.kr")
    path = tmp_path / "people.csv"
    path.write_bytes(_csv([_row()]))
    refused = app.test_cli_runner().invoke(args=["contacts", "import", str(path)])
    assert refused.exit_code == 1
    assert "row 2, column email: A contact with this e-mail address already exists." in (
        refused.output
    )
    args = ["contacts", "import", str(path), "--update-existing"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 0 unchanged." in result.output
    assert _contact("seojun.park@busan.example.kr").partner.slug == "busan"


# --- Bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\r\n , \r\n", "The file is empty."),
        ("header.csv", _csv([]), "The file has a header row but no contacts below it."),
        ("people.txt", _csv([_row()]), "Upload a .csv or .xlsx file."),
        ("latin1.csv", "partner,notes\nseoul,café\n".encode("latin-1"),
         "This file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
        ("quote.csv", b'partner,notes\nseoul,"open\n',
         "This CSV file is malformed (for example, a quotation mark is never closed)."),
    ],
)  # fmt: skip
def test_unreadable_files_are_rejected(client, db, editor, filename, data, reason):
    before = count(Contact)
    response = _upload(client, filename, data)
    if filename.endswith(".txt"):  # the form refuses it before the importer sees it
        assert response.status_code == 400
        assert reason in response.get_data(as_text=True)
        return
    assert response.status_code == 400
    assert _report(response) == [("—", "—", reason)]
    assert count(Contact) == before


@pytest.mark.parametrize(
    ("encoding", "label", "rows"),
    [
        ("gb18030", "GB18030", [_row(family_name_ko="", given_name_ko="", title_ko="",
                                     department="", romanized="Wang Fang", family_name_zh="王",
                                     given_name_zh="芳", title_zh="对外交流处处长")]),
        ("euc_kr", "EUC-KR", [_row(family_name_zh="朴", given_name_zh="瑞俊", title_zh="主事")]),
    ],
)  # fmt: skip
def test_legacy_encodings_are_named_and_refused(client, db, editor, encoding, label, rows):
    before = count(Contact)
    response = _upload(client, "legacy.csv", _csv(rows, encoding=encoding))
    assert response.status_code == 400
    assert _report(response) == [(
        "—", "—", f"This file is saved in the {label} encoding. Save it as “CSV UTF-8” or "
        "upload the Excel workbook (.xlsx) instead.",
    )]  # fmt: skip
    assert count(Contact) == before


def test_truncated_utf8_file(client, db, editor):
    data = _csv([_row(notes="한국")]).rstrip(b"\r\n")[:-1]  # cut inside the last character
    response = _upload(client, "cut.csv", data)
    assert response.status_code == 400
    assert _report(response) == [(
        "—", "—", "The file ends in the middle of a character: it seems to be cut off. "
        "Save or download it again and upload the complete file.",
    )]  # fmt: skip


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data", [_csv([_row()]), bytes(range(256)) * 4, _zip_without_workbook(), b"PK\x03\x04broken"]
)
def test_not_a_workbook(client, db, editor, data):
    response = _upload(client, "people.xlsx", data)
    assert response.status_code == 400
    assert _report(response) == [(
        "—", "—", "This file is not an Excel workbook (.xlsx). Save it from Excel as "
        "“Excel Workbook” or upload a CSV file instead.",
    )]  # fmt: skip


def test_missing_unknown_and_repeated_columns(client, db, editor):
    header = [c for c in HEADER if c not in ("email", "phone")] + ["fax", "notes"]
    response = _upload(client, "people.csv", _csv([_row()], header=header))
    assert response.status_code == 400
    columns = ", ".join(EXPORT_HEADER)
    assert _report(response) == [
        ("1", "fax", f"Unknown column. The columns are: {columns}."),
        ("1", "notes", "This column appears more than once."),
        ("1", "email", "This column is missing."),
        ("1", "phone", "This column is missing."),
    ]


def test_values_beyond_the_header_are_reported(client, db, editor):
    data = _csv([_row()]).rstrip(b"\r\n") + b",surprise\r\n"
    response = _upload(client, "people.csv", data)
    assert _report(response) == [("2", "O", "This cell has a value but its column has no header.")]


# --- Bad rows --------------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_imported(client, db, editor, make_contact):
    make_contact("seoul", email="taken@seoul.example.kr")
    before, audit_before = count(Contact), count(AuditEntry)
    rows = [
        _row(),  # row 2 is fine, but is not imported either
        _second_row(partner="atlantis"),
        _row(email="not-an-email"),
        _row(email="Jieun.Lee@Busan.example.kr", romanized="Lee Ji-eun"),  # same as row 3
        _row(email="TAKEN@seoul.example.kr"),
        _row(email="", timezone="Mars/Olympus", language="fr"),
        _row(email="", family_name_ko="", family_name_zh="", romanized=""),
        _row(email="", title_ko="가" * 101, romanized="X" * 51 + " Y"),
        _row(email="", partner=""),
        _row(email="", notes="가" * 2001),
    ]
    response = _upload(client, "people.csv", _csv(rows))
    assert response.status_code == 400
    assert _report(response) == [
        ("3", "partner", "There is no partner called “atlantis”."),
        ("4", "email", "This is not a valid e-mail address."),
        ("5", "email", "This e-mail address is also in row 3."),
        ("6", "email", "A contact with this e-mail address already exists."),
        ("7", "language", "Unknown language “fr”. Use zh, ko or en."),
        ("7", "timezone", "Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."),
        ("8", "family_name_ko", "Enter a family name in at least one script."),
        ("9", "romanized", "At most 50 characters."),
        ("9", "title_ko", "At most 100 characters."),
        ("10", "partner", "Enter the partner's short name, such as seoul or busan."),
        ("11", "notes", "At most 2000 characters."),
    ]
    assert "Nothing was imported." in response.get_data(as_text=True)
    assert (count(Contact), count(AuditEntry)) == (before, audit_before)


def test_timezone_alias_is_stored_canonically(client, db, editor):
    response = _upload(client, "people.csv", _csv([_row(timezone="Asia/Harbin", language="ZH")]))
    assert response.status_code == 302
    park = _contact("seojun.park@busan.example.kr")
    assert (park.timezone, park.language) == ("Asia/Shanghai", "zh")


def test_reasons_are_translated(client, db, auth):
    auth.login("coordinator", locale="ko")
    response = _upload(client, "people.csv", _csv([_row(email="not-an-email")]))
    assert _report(response) == [("2", "email", "올바른 이메일 주소가 아닙니다.")]


def test_html_is_stored_verbatim_and_escaped_in_the_report(client, db, editor):
    script = "<script>alert(1)</script>"
    response = _upload(client, "people.csv", _csv([_row(partner=script)]))
    page = response.get_data(as_text=True)
    assert script not in page
    assert "There is no partner called “&lt;script&gt;alert(1)&lt;/script&gt;”." in page
    assert _upload(client, "people.csv", _csv([_row(notes=script)])).status_code == 302
    assert _contact("seojun.park@busan.example.kr").notes == script


def test_update_existing_only_when_asked(client, db, editor, make_contact):
    old = make_contact("seoul", email="seojun.park@busan.example.kr", title_ko="과장")
    before = count(Contact)
    refused = _upload(client, "people.csv", _csv([_row(), _second_row()]))
    assert refused.status_code == 400
    assert _report(refused) == [
        ("2", "email", "A contact with this e-mail address already exists.")
    ]
    response = _upload(client, "people.csv", _csv([_row(), _second_row()]), update=True)
    assert response.status_code == 302
    assert "Added: 1. Updated: 1. Unchanged: 0." in client.get("/contacts/").get_data(as_text=True)
    assert count(Contact) == before + 1
    updated = db.session.get(Contact, old.id)
    assert (updated.partner.slug, updated.title_ko, updated.given_name_ko) == (
        "busan",
        "주무관",
        "서준",
    )


# --- Pages, roles, CSRF ----------------------------------------------------------------------


def test_import_page_for_editors_only(client, db, auth):
    auth.login("viewer")
    assert client.get("/contacts/import").status_code == 403
    before = count(Contact)
    assert _upload(client, "people.csv", _csv([_row()])).status_code == 403
    assert count(Contact) == before
    auth.logout()
    auth.login("coordinator", locale="en")
    page = client.get("/contacts/import")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in text and 'accept=".csv,.xlsx"' in text
    assert 'href="/contacts/import/template.xlsx"' in text
    assert 'href="/contacts/import/template.csv"' in text


def test_import_without_a_file(client, db, editor):
    response = client.post("/contacts/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_import_needs_csrf_token(client, db, editor, csrf_app):  # signed in before CSRF is on
    before = count(Contact)
    response = _upload(client, "people.csv", _csv([_row()]))
    assert response.status_code == 400
    assert count(Contact) == before


def test_templates_download_and_import(client, db, editor):
    response = client.get("/contacts/import/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="contacts-template.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == EXPORT_HEADER
    assert rows[1][:3] == ["busan", "박", "서준"] and rows[1][10] == "'+82-51-888-1234"
    xlsx = client.get("/contacts/import/template.xlsx")
    assert xlsx.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == rows
    assert client.get("/contacts/import/template.pdf").status_code == 404
    assert _upload(client, "template.xlsx", xlsx.data).status_code == 302
    assert _contact("seojun.park@busan.example.kr").phone == "+82-51-888-1234"


# --- Export ----------------------------------------------------------------------------------

DANGEROUS = {
    "notes": '=HYPERLINK("http://evil.example","x")',
    "phone": "+82-2-120",
    "title_ko": "@SUM(A1)",
    "department_ko": "-1+1",
    "title_zh": "'=already quoted",
    "given_name_zh": "\t=tab",
}


def test_csv_export_neutralizes_formulas(client, db, auth, make_contact):
    make_contact("jeju", email="danger@jeju.example.kr", **DANGEROUS)
    auth.login("coordinator")
    response = client.get("/contacts/export.csv?partner=jeju")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="contacts-jeju-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8")[1:], newline="")))
    assert rows[0] == EXPORT_HEADER
    assert rows[1] == [
        "jeju", "김", "민수", "金", "'\t=tab", "Kim Min-su", "'@SUM(A1)", "''=already quoted",
        "'-1+1", "danger@jeju.example.kr", "'+82-2-120", "ko", "Asia/Seoul",
        '\'=HYPERLINK("http://evil.example","x")', "",
    ]  # fmt: skip
    assert len(rows) == 2


def test_xlsx_export_neutralizes_formulas(client, db, auth, make_contact):
    make_contact("jeju", email="danger@jeju.example.kr", **DANGEROUS)
    auth.login("coordinator")
    response = client.get("/contacts/export.xlsx?partner=jeju")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = {sheet.cell(1, col).value: sheet.cell(2, col) for col in range(1, 16)}
    assert cells["notes"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert cells["phone"].value == "'+82-2-120"
    assert cells["department"].value == "'-1+1"
    assert cells["title_zh"].value == "''=already quoted"
    assert "f" not in {c.data_type for c in cells.values()}  # no formula cells


def test_export_filters(client, db, auth, make_contact):
    make_contact("jeju", email="active@jeju.example.kr")
    gone = make_contact("jeju", email="gone@jeju.example.kr")
    gone.is_active = False
    db.session.commit()
    make_contact("seoul", email="active@seoul.example.kr")
    auth.login("coordinator")

    def emails(query):
        data = client.get(f"/contacts/export.csv{query}").data.decode("utf-8-sig")
        return sorted(r[9] for r in list(csv.reader(io.StringIO(data)))[1:])

    assert emails("?partner=jeju") == ["active@jeju.example.kr"]
    assert emails("?partner=jeju&inactive=1") == ["active@jeju.example.kr", "gone@jeju.example.kr"]
    assert "active@seoul.example.kr" in emails("")
    assert client.get("/contacts/export.csv?partner=atlantis").status_code == 404
    assert client.get("/contacts/export.pdf").status_code == 404


def test_xlsx_export_has_a_frozen_filtered_header_and_fitted_columns(
    client, db, auth, make_contact
):
    make_contact("jeju", email="kim.minsu@jeju.example.kr", department_zh="济州特别自治道外事科")
    auth.login("coordinator")
    response = client.get("/contacts/export.xlsx?partner=jeju")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == EXPORT_HEADER
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:O2"
    widths = {letter: int(sheet.column_dimensions[letter].width) for letter in "ABJMO"}
    # At least 10 (Excel's default is 8.43); the e-mail's 25 characters and 2 of margin;
    # "Asia/Seoul" + 2; the ten Hanzi of the department count double: 20 + 2.
    assert widths == {"A": 10, "B": 16, "J": 27, "M": 12, "O": 22}
    assert {c.data_type for c in sheet[2]} <= {"s", "n"}  # text (or empty), never a formula


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_viewers_cannot_export_contacts_but_still_read_them(
    client, db, auth, make_contact, file_format
):
    make_contact("jeju", email="kim.minsu@jeju.example.kr", phone="+82-64-710-2114")
    auth.login("viewer", locale="ko")
    response = client.get(f"/contacts/export.{file_format}?partner=jeju")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "이 작업을 할 권한이 없습니다." in page and "kim.minsu" not in page
    listing = client.get("/contacts/?partner=jeju")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert "kim.minsu@jeju.example.kr" in text and "/contacts/export." not in text
    auth.logout()
    auth.login("admin")
    text = client.get("/contacts/?partner=jeju").get_data(as_text=True)
    assert f'href="/contacts/export.{file_format}?partner=jeju"' in text
    assert client.get(f"/contacts/export.{file_format}?partner=jeju").status_code == 200


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_round_trips_unchanged(client, db, editor, make_contact, file_format):
    # XLSX keeps line breaks as LF only; an update treats CRLF and LF as the same text.
    # A tab in a one-line field is refused on import (a control character), so none here.
    dangerous = {**DANGEROUS, "notes": DANGEROUS["notes"] + "\r\n<b>줄 2</b>"}
    dangerous["given_name_zh"] = "=tab"
    make_contact("jeju", email="danger@jeju.example.kr", department_zh="外事科", **dangerous)
    make_contact("jeju", email="", family_name_ko="최", notes="<b>줄 1</b>\n줄 2",
                 romanized_family="Choi", romanized_given="Ji Woo", language="zh",
                 timezone="Asia/Shanghai")  # fmt: skip
    before = _snapshot()
    exported = client.get(f"/contacts/export.{file_format}?partner=jeju").data
    # Without an e-mail address a row cannot update anyone: the import adds that contact anew.
    db.session.execute(sa.delete(Contact).where(Contact.email.is_(None)))
    db.session.commit()
    response = _upload(client, f"jeju.{file_format}", exported, update=True)
    assert response.status_code == 302, _report(response)
    flashed = client.get("/contacts/").get_data(as_text=True)
    assert "Added: 1. Updated: 0. Unchanged: 1." in flashed
    after = _snapshot()
    assert len(after) == len(before)
    assert sorted(after, key=str) == sorted(before, key=str)


def test_cli_export(app, db, tmp_path, make_contact):
    make_contact("jeju", email="one@jeju.example.kr", phone="+82-64-710-2114")
    runner = app.test_cli_runner()
    out = tmp_path / "jeju.xlsx"
    args = ["contacts", "export", "--format", "xlsx", "--out", str(out), "--partner", "jeju"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert f"Wrote 1 contacts to {out}." in result.output
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[2]][9:11] == ["one@jeju.example.kr", "'+82-64-710-2114"]
    csv_out = tmp_path / "all.csv"
    result = runner.invoke(args=["contacts", "export", "--format", "csv", "--out", str(csv_out)])
    assert result.exit_code == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfpartner,family_name_ko,")
    bad = runner.invoke(args=[*args[:6], "--partner", "atlantis"])
    assert bad.exit_code == 2 and "no partner called 'atlantis'" in bad.output
