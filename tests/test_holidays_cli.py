"""`flask holidays set|import|list`, including bad input."""

import json
from datetime import date

import pytest

from scheduler.availability import services
from scheduler.availability.holidays import day_info
from scheduler.availability.models import HolidayOverride
from tests.conftest import count

HEADER = "country,date,kind,name_zh,name_ko,name_en\n"


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["holidays", *args])


def test_set_workday_holiday_and_clear(app, db):
    result = _run(app, "set", "CN", "2027-02-20", "--workday")
    assert (result.exit_code, result.output) == (0, "CN 2027-02-20: workday (override).\n")
    assert day_info("CN", date(2027, 2, 20), services.year_overrides("CN", 2027)).is_working_day
    args = ("set", "kr", "2027-03-03", "--holiday", "--name-zh", "临时公休日",
            "--name-ko", "임시공휴일", "--name-en", "Temporary holiday")  # fmt: skip
    result = _run(app, *args)
    assert (result.exit_code, result.output) == (0, "KR 2027-03-03: holiday (override).\n")
    info = day_info("KR", date(2027, 3, 3), services.year_overrides("KR", 2027))
    assert dict(info.names) == {"zh": "临时公休日", "ko": "임시공휴일", "en": "Temporary holiday"}
    result = _run(app, "set", "KR", "2027-03-03", "--clear")
    assert (result.exit_code, result.output) == (0, "KR 2027-03-03: override removed.\n")
    result = _run(app, "set", "KR", "2027-03-03", "--clear")
    assert (result.exit_code, result.output) == (0, "KR 2027-03-03: there was no override.\n")
    assert day_info("KR", date(2027, 3, 3), services.year_overrides("KR", 2027)).kind == "workday"
    assert count(HolidayOverride) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("JP", "2027-02-20", "--workday"), 'Error: Unknown country "JP". Use CN or KR.'),
        (("CN", "2027-02-30", "--workday"),
         'Error: "2027-02-30" is not a date. Use YYYY-MM-DD, for example 2027-02-06.'),
        (("CN", "20270220", "--workday"),
         'Error: "20270220" is not a date. Use YYYY-MM-DD, for example 2027-02-06.'),
        (("KR", "2027-03-03", "--holiday"),
         "Error: A holiday needs a name in at least one language."),
        (("KR", "2027-03-03"), "Error: give one of --holiday, --workday or --clear."),
        (("XX", "2027-03-03", "--clear"), 'Error: Unknown country "XX". Use CN or KR.'),
    ],
)  # fmt: skip
def test_set_refuses_bad_input(app, db, args, message):
    result = _run(app, "set", *args)
    assert result.exit_code == 1
    assert result.output == message + "\n"
    assert count(HolidayOverride) == 0


def test_import_all_rows(app, db, tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(
        "\ufeff" + HEADER + "CN,2027-02-20,workday,,,\n"
        "KR,2027-03-03,holiday,临时公休日,임시공휴일,Temporary holiday\n\n",
        encoding="utf-8",
    )
    result = _run(app, "import", str(path))
    assert (result.exit_code, result.output) == (0, "Imported 2 override(s) from overrides.csv.\n")
    assert list(services.year_overrides("CN", 2027)) == [date(2027, 2, 20)]
    assert services.year_overrides("KR", 2027)[date(2027, 3, 3)].kind == "holiday"


def test_import_reports_every_bad_row_and_imports_nothing(app, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "CN,2027-02-20,workday,,,\n"
        "JP,2027-02-21,workday,,,\n"
        "CN,2027-02-30,holiday,假,,\n"
        "KR,2027-03-03,holiday,,,\n"
        "CN,2027-02-20,holiday,假,,\n"
        "CN,2027-02-22,vacation,,,\n"
        "CN,2027-02-23\n",
        encoding="utf-8",
    )
    result = _run(app, "import", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'Row 3: Unknown country "JP". Use CN or KR.',
        'Row 4: "2027-02-30" is not a date. Use YYYY-MM-DD, for example 2027-02-06.',
        "Row 5: A holiday needs a name in at least one language.",
        "Row 6: CN 2027-02-20 appears more than once.",
        'Row 7: Unknown kind "vacation". Use holiday or workday.',
        "Row 8: Expected 6 columns, found 2.",
        "6 problem(s) found; nothing was imported.",
    ]
    assert count(HolidayOverride) == 0


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"country,day,kind\nCN,2027-02-20,workday\n",
         "Row 1: The first line must be the header country,date,kind,name_zh,name_ko,name_en."),
        (b"\xff\xfe\x00bad", "Row 1: The file is not UTF-8 text."),
        (b"",
         "Row 1: The first line must be the header country,date,kind,name_zh,name_ko,name_en."),
    ],
)  # fmt: skip
def test_import_refuses_a_bad_file(app, db, tmp_path, content, line):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    result = _run(app, "import", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [line, "1 problem(s) found; nothing was imported."]
    assert count(HolidayOverride) == 0


def test_list_json_for_china_2026(app, db):
    result = _run(app, "list", "CN", "2026", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [row["date"] for row in rows] == [
        "2026-01-01", "2026-01-02", "2026-01-04", "2026-02-14", "2026-02-16", "2026-02-17",
        "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23", "2026-02-28", "2026-04-05",
        "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-04", "2026-05-05", "2026-05-09",
        "2026-06-19", "2026-09-20", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-03",
        "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-10",
    ]  # fmt: skip
    assert rows[3] == {
        "date": "2026-02-14",
        "kind": "makeup_workday",
        "name_zh": "调休上班日（2026-02-20 休息）",
        "name_ko": "대체 근무일(2026-02-20 휴무 대체)",
        "name_en": "Make-up working day (for the day off on 2026-02-20)",
        "source": "package",
    }


def test_list_shows_overrides_and_korean_names(app, db):
    assert _run(app, "set", "KR", "2026-09-24", "--workday").exit_code == 0
    rows = json.loads(_run(app, "list", "KR", "2026", "--json").output)
    by_date = {row["date"]: row for row in rows}
    assert by_date["2026-09-24"] == {
        "date": "2026-09-24", "kind": "workday", "name_zh": "", "name_ko": "", "name_en": "",
        "source": "override",
    }  # fmt: skip
    assert by_date["2026-09-25"]["name_zh"] == "中秋节"
    assert by_date["2026-06-03"]["name_ko"] == "지방선거일"
    text = _run(app, "list", "KR", "2026").output.splitlines()
    assert text[0] == "2026-01-01  holiday         元旦 / 신정 / New Year's Day  [package]"
    assert "2026-09-24  workday          /  /   [override]" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("JP", "2026"), 'Error: Unknown country "JP". Use CN or KR.'),
        (("CN", "1999"), "is not in the range 2000<=x<=2099"),
        (("CN", "next"), "'next' is not a valid integer"),
    ],
)
def test_list_refuses_bad_input(app, db, args, message):
    result = _run(app, "list", *args)
    assert result.exit_code != 0
    assert message in result.output
