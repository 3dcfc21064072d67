"""Control characters: every form and import refuses them (naming the field, changing nothing),
text areas keep tabs and line breaks (CR LF stored as LF), and what was stored before the check
cannot break a feed, the statistics page or the annual report."""

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from scheduler.audit.models import AuditEntry
from scheduler.availability.models import HolidayOverride
from scheduler.contacts.models import Contact
from scheduler.meetings.models import Participant
from scheduler.partners.services import get_partner
from tests.conftest import count
from tests.feeds_support import _fresh_feed_state, new_feed  # noqa: F401
from tests.test_contacts import _form as contact_form
from tests.test_contacts_io import _csv, _report, _row, _xlsx
from tests.test_partners import _form as partner_form

SOON = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)


def _refusal(field: str, char: str) -> str:
    return f"“{field}” contains an invisible control character ({char}). Remove it and try again."


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("field", "label", "value", "char"),
    [
        ("given_name_ko", "Given name (Hangul)", "서\x00준", "U+0000"),
        ("title_zh", "Title (Chinese)", "主办\r", "U+000D"),
        ("phone", "Phone", "+82\n51", "U+000A"),
        ("department_ko", "Department (Korean)", "국제\x85협력과", "U+0085"),
        ("romanized_given", "Given name (romanized)", "Seo\tjun", "U+0009"),
        ("email", "E-mail", "a\x7f@busan.example.kr", "U+007F"),
        ("notes", "Notes", "line one\r\nline two\rthree", "U+000D"),  # a bare CR
        ("notes", "Notes", "bell \x07", "U+0007"),
    ],
)
def test_contact_form_refuses_control_characters(auth, client, db, field, label, value, char):
    auth.login("coordinator", locale="en")
    before = (count(Contact), count(AuditEntry))
    response = client.post("/contacts/new/busan", data=contact_form(**{field: value}))
    assert response.status_code == 400
    assert _refusal(label, char) in _page(response)
    assert (count(Contact), count(AuditEntry)) == before


def test_text_areas_keep_tabs_and_line_breaks_as_lf(auth, client, db):
    auth.login("coordinator", locale="en")
    notes = "first line\r\n\tindented\r\nlast"
    response = client.post("/contacts/new/busan", data=contact_form(notes=notes))
    assert response.status_code == 302
    contact = db.session.query(Contact).order_by(Contact.id.desc()).first()
    assert contact.notes == "first line\n\tindented\nlast"


def test_refusal_is_translated_and_names_the_field(auth, client, db):
    auth.login("coordinator", locale="zh")
    partner = get_partner("seoul")
    response = client.post("/partners/seoul/edit", data=partner_form(partner, name_zh="首尔\x0b"))
    assert response.status_code == 400
    assert "含有不可见的控制字符（U+000B），请删除后重试。" in _page(response)
    assert get_partner("seoul").name_zh == "首尔特别市"


def test_login_and_other_plain_forms_refuse_them_too(client, db, make_user):
    user = make_user("viewer", locale="en")
    login = {"email": user.email + "\x00", "password": "x"}
    response = client.post("/login", data=login, headers={"Accept-Language": "en"})
    assert response.status_code == 400  # the login page shown again, nobody signed in
    assert _refusal("E-mail", "U+0000") in _page(response)
    assert client.get("/contacts/").status_code == 302


@pytest.mark.parametrize("make_file", [_csv, _xlsx])
def test_contact_import_names_row_and_column_and_imports_nothing(auth, client, db, make_file):
    auth.login("coordinator", locale="en")
    rows = [
        _row(),
        _row(email="b@busan.example.kr", given_name_ko="서\x1b준"),
        _row(email="c@busan.example.kr", notes="one\ttwo\r\nthree\x0cfour"),
        _row(email="d@busan.example.kr", phone="\x9b051"),
    ]
    if make_file is _xlsx:
        rows = rows[:2] + rows[3:]  # openpyxl itself refuses to write most C0 characters
        rows[1] = _row(email="b@busan.example.kr", given_name_ko="서\u0085준")
    before = (count(Contact), count(AuditEntry))
    filename = "people.csv" if make_file is _csv else "people.xlsx"
    form = {"file": (io.BytesIO(make_file(rows)), filename)}
    response = client.post("/contacts/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    if make_file is _csv:
        assert _report(response) == [
            ("3", "given_name_ko", _refusal("given_name_ko", "U+001B")),
            ("4", "notes", _refusal("notes", "U+000C")),
            ("5", "phone", _refusal("phone", "U+009B")),
        ]
    else:
        assert _report(response) == [
            ("3", "given_name_ko", _refusal("given_name_ko", "U+0085")),
            ("4", "phone", _refusal("phone", "U+009B")),
        ]
    assert (count(Contact), count(AuditEntry)) == before


def test_contact_import_keeps_line_breaks_in_notes(auth, client, db):
    auth.login("coordinator", locale="en")
    data = _csv([_row(notes="one\ttwo\r\nthree")])
    form = {"file": (io.BytesIO(data), "people.csv")}
    response = client.post("/contacts/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.query(Contact).filter_by(email=_row()["email"]).one().notes == (
        "one\ttwo\nthree"
    )


def test_holiday_import_and_set_refuse_them(app, db, tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(
        "country,date,kind,name_zh,name_ko,name_en\n"
        "CN,2027-02-20,workday,,,\n"
        "KR,2027-03-03,holiday,临时\x00公休日,,\n"
        "KR,2027-03-04,holiday,,,Day\x1boff\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["holidays", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Row 3: {_refusal('name_zh', 'U+0000')}",
        f"Row 4: {_refusal('name_en', 'U+001B')}",
        "2 problem(s) found; nothing was imported.",
    ]
    args = ["holidays", "set", "KR", "2027-03-03", "--holiday", "--name-ko", "휴\r일"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert result.output == f"Error: {_refusal('name_ko', 'U+000D')}\n"
    assert count(HolidayOverride) == 0


# Data stored before this check (or by other means) must not break what shows it. (NUL itself
# cannot be stored in PostgreSQL; other control characters can.)


@pytest.mark.parametrize("scope", ["contact", "user"])
def test_a_bare_cr_in_a_stored_join_link_does_not_break_private_feeds(
    app, client, db, make_meeting, make_contact, make_user, scope
):
    meeting = make_meeting(start_dt=SOON, end_dt=SOON + timedelta(hours=1), status="confirmed",
                           join_url="https://meet.example.org/j/1\r2", passcode="12\x1f34",
                           title_ko="서울\x01회의", title_zh="首尔\x01会议")  # fmt: skip
    person = make_contact() if scope == "contact" else make_user("coordinator")
    db.session.add(Participant(meeting=meeting, **{scope: person}))
    db.session.commit()
    response = client.get(new_feed(app, f"--{scope}", person.email))
    assert response.status_code == 200
    body = response.data
    assert not re.search(rb"[\x00-\x08\x0b-\x1f]", body.replace(b"\r\n", b""))
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) in ("서울 회의", "首尔 会议")
    assert str(event["LOCATION"]) == "https://meet.example.org/j/1\n2"  # text: CR read as LF
    assert "URL" not in event  # a URI cannot hold a CR: left out rather than broken
    assert "12 34" in str(event["DESCRIPTION"])


def test_a_control_character_in_a_partner_name_keeps_statistics_and_report_working(
    auth, client, db, make_meeting
):
    auth.login("coordinator", locale="ko")
    partner = get_partner("seoul")
    partner.name_ko, partner.name_zh = "서울\x0b특별시", "首尔\x01特别市"
    db.session.commit()
    held = datetime(2028, 3, 1, 2, tzinfo=UTC)
    make_meeting(start_dt=held, end_dt=held + timedelta(hours=1), status="held")
    statistics = client.get("/history/statistics?year=2028")
    report = client.get("/history/report/2028")
    assert (statistics.status_code, report.status_code) == (200, 200)
    assert "서울 특별시" in statistics.get_data(as_text=True)
    assert "서울 특별시" in report.get_data(as_text=True)
