"""CN/KR holidays, make-up workdays, names in both scripts, overrides and the admin page."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.availability import services
from scheduler.availability.holidays import (
    DayInfo,
    Override,
    day_info,
    non_working_days,
    notable_days,
    package_names,
)
from scheduler.availability.models import HolidayOverride
from scheduler.availability.names import chinese_label_for_korean, korean_label_for_chinese
from tests.conftest import count


def _days(first: str, last: str):
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        yield day
        day += timedelta(days=1)


def test_chinese_make_up_workdays_2026():
    for text in ("2026-02-14", "2026-09-20"):
        info = day_info("CN", date.fromisoformat(text))
        assert (info.is_working_day, info.kind, info.source) == (True, "makeup_workday", "package")
    assert dict(day_info("CN", date(2026, 9, 20)).names) == {
        "zh": "调休上班日（2026-10-06 休息）",
        "ko": "대체 근무일(2026-10-06 휴무 대체)",
        "en": "Make-up working day (for the day off on 2026-10-06)",
    }


def test_chinese_national_day_week_2026_is_off():
    kinds = [day_info("CN", day).kind for day in _days("2026-10-01", "2026-10-07")]
    assert kinds == ["holiday", "holiday", "holiday", "weekend", "holiday", "holiday", "holiday"]
    assert not any(day_info("CN", day).is_working_day for day in _days("2026-10-01", "2026-10-07"))
    assert day_info("CN", date(2026, 10, 8)) == DayInfo(True, "workday")
    assert dict(day_info("CN", date(2026, 10, 6)).names) == {
        "zh": "国庆节假期（调休）",
        "ko": "국경절 연휴(대체 휴무)",
        "en": "Day off (substituted from 09/20/2026)",
    }


def test_korean_chuseok_2026_and_seollal_2027():
    names = [day_info("KR", day).names["zh"] for day in _days("2026-09-24", "2026-09-26")]
    assert names == ["中秋节前一天", "中秋节", "中秋节次日"]
    for day in [*_days("2026-09-24", "2026-09-26"), *_days("2027-02-06", "2027-02-09")]:
        assert day_info("KR", day).kind == "holiday", day
    assert dict(day_info("KR", date(2027, 2, 9)).names) == {
        "zh": "春节补休日",
        "ko": "설날 대체공휴일",
        "en": "Alternative holiday for Korean New Year",
    }
    assert day_info("KR", date(2027, 2, 10)) == DayInfo(True, "workday")


def test_korean_local_election_2026():
    assert dict(day_info("KR", date(2026, 6, 3)).names) == {
        "zh": "地方选举日",
        "ko": "지방선거일",
        "en": "Local Election Day",
    }
    assert day_info("KR", date(2026, 6, 3)).is_working_day is False


def test_a_chinese_make_up_sunday_is_a_korean_weekend():
    sunday = date(2026, 9, 20)
    assert day_info("CN", sunday).is_working_day is True
    assert day_info("KR", sunday) == DayInfo(False, "weekend")


def test_names_in_the_other_script():
    assert day_info("KR", date(2026, 2, 16)).names["zh"] == "春节前一天"
    assert day_info("KR", date(2026, 10, 3)).names["zh"] == "开天节"
    assert day_info("CN", date(2026, 2, 16)).names["ko"] == "춘절 전날(섣달그믐)"
    assert day_info("CN", date(2026, 10, 5)).names["ko"] == "국경절 대체 휴일"
    both = day_info("KR", date(2028, 10, 3)).names  # two holidays on one day
    assert dict(both) == {
        "zh": "开天节、中秋节",
        "ko": "개천절, 추석",
        "en": "National Foundation Day, Chuseok",
    }


@pytest.mark.parametrize(
    ("country", "label"), [("CN", korean_label_for_chinese), ("KR", chinese_label_for_korean)]
)
def test_every_package_name_2020_to_2028_has_a_label(country, label):
    names = package_names(country, range(2020, 2029))
    assert len(names) > 20
    assert sorted(name for name in names if label(name) is None) == []


def test_non_working_days_of_a_range():
    days = non_working_days("CN", date(2026, 9, 19), date(2026, 10, 11))
    assert [d.isoformat() for d in days] == [
        "2026-09-19", "2026-09-25", "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02",
        "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-11",
    ]  # fmt: skip
    assert days[date(2026, 9, 25)].names["ko"] == "중추절"
    korean = non_working_days("KR", date(2026, 9, 19), date(2026, 9, 27))
    assert [d.isoformat() for d in korean] == [
        "2026-09-19", "2026-09-20", "2026-09-24", "2026-09-25", "2026-09-26", "2026-09-27",
    ]  # fmt: skip


def test_overrides_win_and_clearing_returns_to_the_package():
    saturday = date(2027, 2, 20)  # not yet a make-up day in the package
    assert day_info("CN", saturday) == DayInfo(False, "weekend")
    overrides = {saturday: Override("workday")}
    info = day_info("CN", saturday, overrides)
    assert (info.is_working_day, info.kind, info.source) == (True, "makeup_workday", "override")
    assert info.names["zh"] == "调休上班日"
    holiday = {date(2027, 3, 3): Override("holiday", {"zh": "特别休假", "ko": "", "en": "Leave"})}
    info = day_info("KR", date(2027, 3, 3), holiday)
    assert info == DayInfo(
        False, "holiday", {"zh": "特别休假", "ko": "", "en": "Leave"}, "override"
    )
    workday = {date(2026, 10, 6): Override("workday")}
    assert day_info("CN", date(2026, 10, 6), workday).kind == "workday"
    assert day_info("CN", date(2026, 10, 6), {}).kind == "holiday"
    assert date(2027, 2, 20) not in non_working_days("CN", saturday, saturday, overrides)


def test_notable_days_lists_holidays_make_up_days_and_overrides():
    overrides = {date(2027, 11, 3): Override("workday")}  # a pointless but allowed override
    days = dict(notable_days("CN", 2027, overrides))
    assert days[date(2027, 11, 3)].source == "override"
    assert date(2027, 2, 6) in days and date(2027, 2, 20) not in days
    assert day_info("CN", date(2027, 1, 1)).kind == "holiday"
    with pytest.raises(ValueError):
        day_info("JP", date(2027, 1, 1))


def test_services_set_load_clear_with_audit(db):
    checked = services.check_override("cn", "2027-02-20", "workday", {"zh": "", "ko": None})
    services.set_override(checked)
    assert services.load_overrides("CN", date(2027, 1, 1), date(2027, 12, 31)) == {
        date(2027, 2, 20): Override("workday", {"zh": "", "ko": "", "en": ""})
    }
    replaced = services.check_override("CN", "2027-02-20", "holiday", {"zh": "假日"})
    services.set_override(replaced)
    assert count(HolidayOverride) == 1
    assert services.clear_override("CN", date(2027, 2, 20)) is True
    assert services.clear_override("CN", date(2027, 2, 20)) is False
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "holiday_overrides")
    ).all()
    assert sorted(actions) == ["create", "delete", "update"]


# --- the admin page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_page_is_for_admins_only(auth, client, db, role):
    auth.login(role)
    assert client.get("/admin/holidays?country=CN&year=2027").status_code == 403
    form = {"country": "CN", "day": "2027-02-20", "kind": "workday"}
    assert client.post("/admin/holidays/set", data=form).status_code == 403
    assert client.post("/admin/holidays/clear", data={"country": "CN", "day": "2027-02-20"}
                       ).status_code == 403  # fmt: skip
    assert count(HolidayOverride) == 0


def test_page_lists_the_year_in_the_viewers_language(auth, client, db):
    auth.login("admin", locale="zh")
    html = client.get("/admin/holidays?country=KR&year=2026").get_data(as_text=True)
    assert "中秋节前一天" in html and "地方选举日" in html and "추석 전날" not in html
    auth.logout()
    auth.login("admin", locale="ko")
    html = client.get("/admin/holidays?country=CN&year=2026").get_data(as_text=True)
    assert "대체 근무일(2026-10-06 휴무 대체)" in html and "국경절" in html


def _rows(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)][1:]  # fmt: skip


def test_admin_adds_moves_and_removes_an_override(auth, client, db):
    auth.login("admin", locale="en")
    form = {"country": "CN", "day": "2027-02-20", "kind": "workday"}
    response = client.post("/admin/holidays/set?country=CN&year=2027", data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/holidays?country=CN&year=2027"
    html = client.get("/admin/holidays?country=CN&year=2027").get_data(as_text=True)
    assert (
        "2027-02-20 Sat Make-up working day Make-up working day Staff override Remove override"
        in _rows(html)
    )
    move = {"country": "CN", "from_day": "2027-02-20", "to_day": "2027-02-21"}
    assert client.post("/admin/holidays/move", data=move).status_code == 302
    assert list(services.year_overrides("CN", 2027)) == [date(2027, 2, 21)]
    holiday = {"country": "KR", "day": "2027-03-03", "kind": "holiday", "name_ko": "임시 휴무"}
    assert client.post("/admin/holidays/set", data=holiday).status_code == 302
    assert day_info("KR", date(2027, 3, 3), services.year_overrides("KR", 2027)).kind == "holiday"
    clear = {"country": "KR", "day": "2027-03-03"}
    assert client.post("/admin/holidays/clear", data=clear).status_code == 302
    assert day_info("KR", date(2027, 3, 3), services.year_overrides("KR", 2027)).kind == "workday"
    assert count(HolidayOverride) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"country": "CN", "day": "2027-02-30", "kind": "workday"},
         "&#34;2027-02-30&#34; is not a date. Use YYYY-MM-DD, for example 2027-02-06."),
        ({"country": "JP", "day": "2027-02-20", "kind": "workday"},
         "Unknown country &#34;JP&#34;. Use CN or KR."),
        ({"country": "CN", "day": "2027-02-20", "kind": "vacation"},
         "Unknown kind &#34;vacation&#34;. Use holiday or workday."),
        ({"country": "KR", "day": "2027-03-03", "kind": "holiday"},
         "A holiday needs a name in at least one language."),
        ({"country": "KR", "day": "1999-03-03", "kind": "workday"},
         "Use a date between 2000 and 2099."),
    ],
)  # fmt: skip
def test_bad_override_input_is_400_and_changes_nothing(auth, client, db, data, message):
    auth.login("admin", locale="en")
    response = client.post("/admin/holidays/set?country=CN&year=2027", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(HolidayOverride) == 0


def test_bad_move_and_clear_are_400(auth, client, db):
    auth.login("admin", locale="en")
    move = {"country": "CN", "from_day": "2027-02-20", "to_day": "2027-02-21"}
    response = client.post("/admin/holidays/move", data=move)
    assert response.status_code == 400
    assert "There is no override on 2027-02-20 to move." in response.get_data(as_text=True)
    services.set_override(services.check_override("CN", "2027-02-20", "workday", {}))
    services.set_override(services.check_override("CN", "2027-02-21", "workday", {}))
    db.session.commit()
    response = client.post("/admin/holidays/move", data=move)
    assert response.status_code == 400
    assert "2027-02-21 already has an override. Remove it first." in response.get_data(as_text=True)
    response = client.post("/admin/holidays/clear", data={"country": "CN", "day": "2027-03-01"})
    assert response.status_code == 400
    assert "There is no override on 2027-03-01." in response.get_data(as_text=True)
    assert sorted(services.year_overrides("CN", 2027)) == [date(2027, 2, 20), date(2027, 2, 21)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=JP&year=2027", "Unknown country &#34;JP&#34;. Use CN or KR."),
        ("country=CN&year=abc", "Use a year between 2000 and 2099."),
        ("country=CN&year=1999", "Use a year between 2000 and 2099."),
    ],
)
def test_bad_page_address_is_400(auth, client, query, message):
    auth.login("admin", locale="en")
    response = client.get(f"/admin/holidays?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_override_names_are_escaped(auth, client, db):
    auth.login("admin", locale="en")
    data = {"country": "KR", "day": "2027-03-03", "kind": "holiday", "name_en": "<b>x</b>"}
    client.post("/admin/holidays/set", data=data)
    html = client.get("/admin/holidays?country=KR&year=2027").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]


def test_forms_need_the_csrf_token(csrf_app, client, db, make_user):
    admin = make_user("admin", locale="en")
    login = {"email": admin.email, "password": "correct horse battery",
             "csrf_token": _token(client.get("/login").get_data(as_text=True))}  # fmt: skip
    assert client.post("/login", data=login).status_code == 302
    data = {"country": "CN", "day": "2027-02-20", "kind": "workday"}
    response = client.post("/admin/holidays/set", data=data)
    assert response.status_code == 400
    assert "missing its security token" in response.get_data(as_text=True)
    assert (
        client.post("/admin/holidays/set", data={**data, "csrf_token": "forged"}).status_code == 400
    )
    assert count(HolidayOverride) == 0
    html = client.get("/admin/holidays?country=CN&year=2027").get_data(as_text=True)
    response = client.post("/admin/holidays/set", data={**data, "csrf_token": _token(html)})
    assert response.status_code == 302
    assert count(HolidayOverride) == 1


def test_holiday_names_in_official_wording():
    """Bridge days carry their holiday; mainland 假期/补休, not 补假; Korea's 신정, 대체공휴일."""
    assert dict(day_info("CN", date(2026, 1, 2)).names) == {
        "zh": "元旦假期（调休）",
        "ko": "신정 연휴(대체 휴무)",
        "en": "Day off (substituted from 01/04/2026)",
    }
    assert day_info("CN", date(2026, 2, 23)).names["zh"] == "春节假期（调休）"
    assert day_info("CN", date(2026, 10, 7)).names["zh"] == "国庆节假期（调休）"
    assert day_info("CN", date(2026, 4, 6)).names["zh"] == "清明节假期"
    assert day_info("KR", date(2026, 1, 1)).names["ko"] == "신정"
    assert day_info("KR", date(2026, 3, 2)).names["ko"] == "삼일절 대체공휴일"
    assert chinese_label_for_korean("설날 대체 휴일 (추정)") == "春节补休日（预计）"
    names = {n for year in range(2020, 2029) for n in package_names("CN", [year])}
    labels = [day_info("CN", d).names["zh"] for d in _days("2020-01-01", "2028-12-31")]
    assert not any("补假" in label or "推定" in label or "休息日" in label for label in labels)
    assert any("补假" in name for name in names)  # the package still says it; we relabel
