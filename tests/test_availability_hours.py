"""Working hours: the parser, the canonical text, defaults, holiday-aware day intervals, forms."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.availability.holidays import day_info
from scheduler.availability.hours import (
    CHINA_HOURS,
    KOREA_HOURS,
    HoursError,
    Interval,
    default_hours_for_zone,
    effective_hours,
    format_hours,
    intervals_in_zone,
    intervals_on,
    parse_hours,
)
from scheduler.contacts.models import Contact
from scheduler.partners.services import get_partner

ACCEPTED_DAYS = "Write the days as Mon-Fri, or as weekdays."
MORNING, AFTERNOON_CN = Interval(9 * 60, 12 * 60), Interval(13 * 60 + 30, 17 * 60 + 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_china_and_korea_defaults():
    assert CHINA_HOURS.days == ((MORNING, AFTERNOON_CN),) * 5 + ((), ())
    assert KOREA_HOURS.days == ((MORNING, Interval(780, 1080)),) * 5 + ((), ())
    assert format_hours(CHINA_HOURS) == "Mon-Fri 09:00-12:00,13:30-17:30"
    assert format_hours(KOREA_HOURS) == "Mon-Fri 09:00-12:00,13:00-18:00"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Mon-Fri 09:00-12:00,13:30-17:30", "Mon-Fri 09:00-12:00,13:30-17:30"),
        ("Mon-Thu 09:00-18:00; Fri 09:00-15:00", "Mon-Thu 09:00-18:00; Fri 09:00-15:00"),
        ("mon - fri 9:00 - 12:00, 13:00-18:00", "Mon-Fri 09:00-12:00,13:00-18:00"),
        ("Mon－Fri 09：00～12：00；Sat 10：00－11：00", "Mon-Fri 09:00-12:00; Sat 10:00-11:00"),
        ("Mon 13:00-17:00,09:00-12:00", "Mon 09:00-12:00,13:00-17:00"),
        (
            "Mon,Wed,Fri 09:00-12:00; Tue,Thu 13:00-17:00",
            "Mon,Wed,Fri 09:00-12:00; Tue,Thu 13:00-17:00",
        ),
        ("Sat-Sun 22:00-24:00", "Sat-Sun 22:00-24:00"),
        ("Mon-Fri 09:00-12:00; Mon-Fri 13:00-18:00", "Mon-Fri 09:00-12:00,13:00-18:00"),
        ("Mon-Tue,Thu 08:00-12:00\nFri 08:00-11:00", "Mon-Tue,Thu 08:00-12:00; Fri 08:00-11:00"),
        ("Mon 09:00-12:00,12:00-13:00", "Mon 09:00-12:00,12:00-13:00"),
        # The days in Chinese and Korean, and the work-week words of the three languages.
        ("周一至周五 09:00-18:00", "Mon-Fri 09:00-18:00"),
        ("周一到周五 9:00-12:00，13:30-17:30", "Mon-Fri 09:00-12:00,13:30-17:30"),
        ("星期一至星期四 09:00-18:00；星期五 09:00-15:00", "Mon-Thu 09:00-18:00; Fri 09:00-15:00"),
        ("周一至五 08:30-17:30", "Mon-Fri 08:30-17:30"),
        ("周六、周日 10:00-12:00", "Sat-Sun 10:00-12:00"),
        ("월-금 09:00-18:00", "Mon-Fri 09:00-18:00"),
        ("월~금 09:00~18:00", "Mon-Fri 09:00-18:00"),
        ("월요일-금요일 09:00-18:00", "Mon-Fri 09:00-18:00"),
        ("월,수,금 10:00-12:00", "Mon,Wed,Fri 10:00-12:00"),
        ("Monday-Friday 09:00-17:00", "Mon-Fri 09:00-17:00"),
        ("weekdays 09:00-17:00", "Mon-Fri 09:00-17:00"),
        ("工作日 09:00-17:00", "Mon-Fri 09:00-17:00"),
        ("평일 09:00-18:00", "Mon-Fri 09:00-18:00"),
    ],
)
def test_parse_and_canonical_text_round_trip(text, canonical):
    hours = parse_hours(text)
    assert format_hours(hours) == canonical
    assert parse_hours(canonical) == hours
    assert format_hours(parse_hours(canonical)) == canonical


def test_24_00_is_the_end_of_the_day():
    hours = parse_hours("Sat 22:00-24:00")
    assert hours.for_weekday(5) == (Interval(22 * 60, 1440),)
    assert intervals_in_zone(hours, date(2026, 11, 28), "Asia/Seoul") == [
        (
            datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("Asia/Seoul")),
            datetime(2026, 11, 29, 0, 0, tzinfo=ZoneInfo("Asia/Seoul")),
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter working hours, for example Mon-Fri 09:00-12:00,13:30-17:30."),
        ("Mon-Fry 09:00-12:00", f'Unknown day "Fry". {ACCEPTED_DAYS}'),
        ("周八 09:00-12:00", f'Unknown day "周八". {ACCEPTED_DAYS}'),
        ("월-토요 09:00-12:00", f'Unknown day "토요". {ACCEPTED_DAYS}'),
        ("금-월 09:00-12:00", "The day range 금-월 must run from Monday towards Sunday."),
        ("Mon-Fri 12:00-09:00", "The time range 12:00-09:00 ends before it starts."),
        ("Mon-Fri 09:00-09:00", "The time range 09:00-09:00 ends before it starts."),
        (
            "Mon-Fri 09:00-12:00,11:00-14:00",
            "The time ranges 09:00-12:00 and 11:00-14:00 overlap on Mon.",
        ),
        (
            "Mon-Fri 09:00-12:00; Wed 10:00-11:00",
            "The time ranges 09:00-12:00 and 10:00-11:00 overlap on Wed.",
        ),
        ("Mon 9-12", '"9" is not a time. Use HH:MM, for example 09:00.'),
        ("Mon 09:60-12:00", '"09:60" is not a time. Use HH:MM, for example 09:00.'),
        ("Mon 24:00-24:00", '"24:00" is not a time. Use HH:MM, for example 09:00.'),
        ("Mon 09:00-24:30", '"24:30" is not a time. Use HH:MM, for example 09:00.'),
        (
            "Mon 09:00-12:00-13:00",
            '"09:00-12:00-13:00" is not a time range. Use HH:MM-HH:MM, for example 09:00-12:00.',
        ),
        ("Fri-Mon 09:00-12:00", "The day range Fri-Mon must run from Monday towards Sunday."),
        (
            "09:00-12:00",
            'Each part needs days and times, for example "Mon-Fri 09:00-17:00"; '
            'this one does not: "09:00-12:00".',
        ),
        (
            "Mon-Fri",
            'Each part needs days and times, for example "Mon-Fri 09:00-17:00"; '
            'this one does not: "Mon-Fri".',
        ),
    ],
)
def test_bad_hours_are_refused_with_a_reason(app, text, message):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(HoursError) as caught:
            parse_hours(text)
        assert isinstance(caught.value, ValueError)
        assert str(caught.value) == message


def test_default_hours_follow_the_zone():
    assert default_hours_for_zone("Asia/Seoul") is KOREA_HOURS
    assert default_hours_for_zone("Asia/Shanghai") is CHINA_HOURS
    assert default_hours_for_zone("Asia/Harbin") is CHINA_HOURS
    assert default_hours_for_zone(None) is CHINA_HOURS


def test_effective_hours_person_then_partner_then_side():
    own = "Mon-Fri 08:00-16:00"
    partner = "Mon-Fri 09:00-18:00"
    assert format_hours(effective_hours(own, partner, "Asia/Seoul")) == own
    assert format_hours(effective_hours("", partner, "Asia/Seoul")) == partner
    assert format_hours(effective_hours(None, partner, "Asia/Seoul")) == partner
    assert effective_hours("  ", None, "Asia/Seoul") is KOREA_HOURS
    assert effective_hours(None, "", "Asia/Shanghai") is CHINA_HOURS
    assert format_hours(effective_hours("garbage", partner, "Asia/Seoul")) == partner


def test_day_intervals_follow_holidays_and_make_up_days():
    sunday = date(2026, 9, 20)  # a Chinese make-up workday, an ordinary Korean Sunday
    assert intervals_on(CHINA_HOURS, sunday, day_info("CN", sunday)) == (MORNING, AFTERNOON_CN)
    assert intervals_on(KOREA_HOURS, sunday, day_info("KR", sunday)) == ()
    assert intervals_on(CHINA_HOURS, sunday) == ()
    national_day = date(2026, 10, 1)
    assert intervals_on(CHINA_HOURS, national_day, day_info("CN", national_day)) == ()
    monday = date(2026, 11, 30)
    assert intervals_on(CHINA_HOURS, monday, day_info("CN", monday)) == (MORNING, AFTERNOON_CN)


def test_make_up_day_uses_the_first_weekday_with_hours():
    hours = parse_hours("Tue-Thu 10:00-16:00; Fri 09:00-12:00; Sat 09:00-10:00")
    saturday = date(2026, 2, 14)
    assert intervals_on(hours, saturday, day_info("CN", saturday)) == (Interval(600, 960),)
    ordinary_saturday = date(2026, 11, 28)
    info = day_info("CN", ordinary_saturday)
    assert intervals_on(hours, ordinary_saturday, info) == (Interval(540, 600),)


def test_intervals_in_zone_on_a_make_up_sunday():
    sunday = date(2026, 9, 20)
    assert intervals_in_zone(CHINA_HOURS, sunday, "Asia/Shanghai", day_info("CN", sunday)) == [
        (
            datetime(2026, 9, 20, 9, 0, tzinfo=SHANGHAI),
            datetime(2026, 9, 20, 12, 0, tzinfo=SHANGHAI),
        ),
        (
            datetime(2026, 9, 20, 13, 30, tzinfo=SHANGHAI),
            datetime(2026, 9, 20, 17, 30, tzinfo=SHANGHAI),
        ),
    ]


def _partner_form(partner, **overrides):
    fields = ("name_zh", "name_ko", "name_en", "seat_zh", "seat_ko", "seat_en", "notes_zh",
              "notes_ko", "timezone")  # fmt: skip
    data = {f: getattr(partner, f) for f in fields}
    data["iso_code"] = partner.iso_code or ""
    data.update(overrides)
    return data


def test_partner_form_stores_canonical_hours_and_blank_as_default(auth, client, db):
    auth.login("coordinator", locale="en")
    form = _partner_form(get_partner("ulsan"), working_hours="mon-fri 9:00-12:00, 13:00-18:00")
    assert client.post("/partners/ulsan/edit", data=form).status_code == 302
    assert get_partner("ulsan").working_hours == "Mon-Fri 09:00-12:00,13:00-18:00"
    form["working_hours"] = ""
    assert client.post("/partners/ulsan/edit", data=form).status_code == 302
    assert get_partner("ulsan").working_hours is None


def test_partner_form_refuses_bad_hours_with_the_reason(auth, client, db):
    auth.login("coordinator", locale="en")
    form = _partner_form(get_partner("ulsan"), working_hours="Mon-Fri 18:00-09:00")
    response = client.post("/partners/ulsan/edit", data=form)
    assert response.status_code == 400
    assert "The time range 18:00-09:00 ends before it starts." in response.get_data(as_text=True)
    assert get_partner("ulsan").working_hours is None


def _contact_form(**overrides):
    data = {
        "family_name_ko": "최", "given_name_ko": "유진", "romanized_family": "Choi",
        "romanized_given": "Yu-jin", "email": "yujin.choi@ulsan.example.kr", "language": "ko",
        "timezone": "Asia/Seoul",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_contact_form_hours(auth, client, db, make_contact):
    auth.login("coordinator", locale="en")
    bad = client.post(
        "/contacts/new/ulsan", data=_contact_form(working_hours="Sun-Mon 09:00-10:00")
    )
    assert bad.status_code == 400
    assert "The day range Sun-Mon must run from Monday towards Sunday." in bad.get_data(
        as_text=True
    )
    assert db.session.query(Contact).filter_by(email="yujin.choi@ulsan.example.kr").count() == 0
    good = client.post(
        "/contacts/new/ulsan", data=_contact_form(working_hours="Mon-Fri 08:30-17:30")
    )
    assert good.status_code == 302
    contact = db.session.query(Contact).filter_by(email="yujin.choi@ulsan.example.kr").one()
    assert contact.working_hours == "Mon-Fri 08:30-17:30"
    edit = client.post(f"/contacts/{contact.id}/edit", data=_contact_form(working_hours=""))
    assert edit.status_code == 302
    db.session.refresh(contact)
    assert contact.working_hours is None


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        ("zh", "周一至周八 09:00-18:00",
         "无法识别星期“周八”。请按“周一至周五”或“Mon-Fri”的格式填写，也可以写“工作日”。"),
        ("ko", "월-금요 09:00-18:00",
         "알 수 없는 요일입니다: “금요”. “월-금”이나 “Mon-Fri”처럼 입력하거나 "
         "“평일”이라고 입력하세요."),
    ],
)  # fmt: skip
def test_contact_form_reads_days_in_the_readers_language(auth, client, db, locale, typed, message):
    auth.login("coordinator", locale=locale)
    bad = client.post("/contacts/new/ulsan", data=_contact_form(working_hours=typed))
    assert bad.status_code == 400
    assert message in bad.get_data(as_text=True)
    assert db.session.query(Contact).filter_by(email="yujin.choi@ulsan.example.kr").count() == 0
    typed_right = {"zh": "周一至周五 09:00-18:00", "ko": "월-금 09:00-18:00"}[locale]
    good = client.post("/contacts/new/ulsan", data=_contact_form(working_hours=typed_right))
    assert good.status_code == 302
    contact = db.session.query(Contact).filter_by(email="yujin.choi@ulsan.example.kr").one()
    assert contact.working_hours == "Mon-Fri 09:00-18:00"
