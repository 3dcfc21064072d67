"""Time zones and time lines: each reader's script, one clock style, weekday, year, DST zones."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from scheduler.timefmt import (
    dual_clock,
    format_day,
    format_when,
    normalize_timezone,
    zone_label,
    zone_name,
)

MEETING = datetime(2030, 12, 3, 6, 30, tzinfo=UTC)  # Tuesday 14:30 in Changchun
END = datetime(2030, 12, 3, 8, 0, tzinfo=UTC)
SUMMER = datetime(2030, 7, 3, 6, 30, tzinfo=UTC)  # Wednesday; Berlin keeps summer time
CN, KR, BERLIN = "Asia/Shanghai", "Asia/Seoul", "Europe/Berlin"


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Asia/Shanghai", "Asia/Shanghai"), ("Asia/Harbin", "Asia/Shanghai"),
     (" Asia/Seoul ", "Asia/Seoul"), ("Europe/Berlin", "Europe/Berlin"), ("UTC", None),
     ("Etc/GMT-8", None), ("UTC+8", None), ("Asia/Atlantis", None), ("", None), (None, None),
     ("../etc/passwd", None)],
)  # fmt: skip
def test_normalize_timezone(name, expected):
    assert normalize_timezone(name) == expected


@pytest.mark.parametrize(
    ("lang", "own", "other", "expected"),
    [("zh", CN, KR, "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"),
     ("zh", KR, CN, "12月3日（周二）15:30–17:00（首尔时间） / 14:30–16:00（北京时间）"),
     ("ko", KR, CN, "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"),
     ("ko", CN, KR, "12월 3일(화) 14:30~16:00(중국 시간) / 15:30~17:00(한국 시간)"),
     ("en", CN, KR, "Tue, Dec 3 2:30 PM–4:00 PM Changchun time / 3:30 PM–5:00 PM Seoul time")],
)  # fmt: skip
def test_a_time_line_on_both_clocks_in_each_language(lang, own, other, expected):
    assert dual_clock(MEETING, own, other, lang, end=END) == expected


def test_chinese_lines_have_no_hangul_and_korean_lines_no_hanzi():
    zh = dual_clock(MEETING, KR, CN, "zh", end=END)
    ko = dual_clock(MEETING, CN, KR, "ko", end=END)
    assert not any("\uac00" <= c <= "\ud7a3" for c in zh)
    assert not any("\u4e00" <= c <= "\u9fff" for c in ko)
    assert "오전" not in ko and "오후" not in ko  # one 24-hour clock on both sides


def test_the_other_side_is_dated_when_it_is_on_another_day():
    late = datetime(2030, 12, 3, 15, 30, tzinfo=UTC)  # 23:30 in Changchun, 00:30 in Seoul
    assert dual_clock(late, CN, KR, "zh") == (
        "12月3日（周二）23:30（北京时间） / 12月4日（周三）00:30（首尔时间）"
    )
    assert dual_clock(late, KR, CN, "ko") == (
        "12월 4일(수) 00:30(한국 시간) / 12월 3일(화) 23:30(중국 시간)"
    )


def test_a_span_past_midnight_dates_its_end():
    start = datetime(2030, 12, 3, 14, 0, tzinfo=UTC)  # 22:00 to 01:00 in Changchun
    end = datetime(2030, 12, 3, 17, 0, tzinfo=UTC)
    assert dual_clock(start, CN, CN, "zh", end=end) == (
        "12月3日（周二）22:00–12月4日（周三）01:00（北京时间）"
    )


@pytest.mark.parametrize(
    ("lang", "this_year", "other_year", "seen_from_2031"),
    [("zh", "12月8日（周日）", "2031年1月7日（周二）", "2030年12月8日（周日）"),
     ("ko", "12월 8일(일)", "2031년 1월 7일(화)", "2030년 12월 8일(일)"),
     ("en", "Sun, Dec 8", "Tue, Jan 7, 2031", "Sun, Dec 8, 2030")],
)  # fmt: skip
def test_dates_carry_the_weekday_and_the_year_only_when_not_this_year(
    lang, this_year, other_year, seen_from_2031
):
    assert format_day(date(2030, 12, 8), lang) == this_year
    assert format_day(date(2031, 1, 7), lang) == other_year
    assert format_day(date(2030, 12, 8), lang, year=2031) == seen_from_2031


def test_a_time_line_in_another_year_names_the_year():
    next_year = datetime(2031, 1, 7, 6, 30, tzinfo=UTC)
    assert dual_clock(next_year, CN, KR, "zh") == (
        "2031年1月7日（周二）14:30（北京时间） / 15:30（首尔时间）"
    )
    assert dual_clock(next_year, KR, CN, "ko") == (
        "2031년 1월 7일(화) 15:30(한국 시간) / 14:30(중국 시간)"
    )


@pytest.mark.parametrize(
    ("lang", "winter", "summer"),
    [("zh", "12月3日（周二）15:30（首尔时间） / 07:30（柏林时间，中欧标准时间）",
            "7月3日（周三）15:30（首尔时间） / 08:30（柏林时间，中欧夏令时间）"),
     ("ko", "12월 3일(화) 15:30(한국 시간) / 07:30(베를린 시간, 중부유럽 표준시)",
            "7월 3일(수) 15:30(한국 시간) / 08:30(베를린 시간, 중부유럽 하계 표준시)"),
     ("en", "Tue, Dec 3 3:30 PM Seoul time / 7:30 AM Berlin time (Central European Standard Time)",
            "Wed, Jul 3 3:30 PM Seoul time / 8:30 AM Berlin time (Central European Summer Time)")],
)  # fmt: skip
def test_a_daylight_saving_zone_is_named_for_the_date(lang, winter, summer):
    assert dual_clock(MEETING, KR, BERLIN, lang) == winter
    assert dual_clock(SUMMER, KR, BERLIN, lang) == summer


def test_zones_without_daylight_saving_are_named_by_their_city():
    assert dual_clock(MEETING, CN, "Asia/Tokyo", "zh") == (
        "12月3日（周二）14:30（北京时间） / 15:30（东京时间）"
    )
    assert zone_name("Asia/Tokyo", MEETING, "ko") == "도쿄 시간"


@pytest.mark.parametrize(
    ("lang", "china", "korea", "china_word"),
    [("zh", "北京时间", "首尔时间", "北京"), ("ko", "중국 시간", "한국 시간", "중국"),
     ("en", "Changchun time", "Seoul time", "Changchun")],
)  # fmt: skip
def test_zone_names_never_show_the_iana_id(lang, china, korea, china_word):
    assert zone_name(CN, MEETING, lang) == china
    assert zone_name("Asia/Harbin", MEETING, lang) == china
    assert zone_name(KR, MEETING, lang) == korea
    assert zone_label(CN, lang) == china_word


@pytest.mark.parametrize("bad", ["", None, "Asia/Atlantis", "UTC+8", "../etc/passwd"])
def test_an_unknown_or_empty_zone_reads_as_the_office_clock(bad):
    assert zone_name(bad, MEETING, "zh") == "北京时间"
    assert format_when(MEETING, bad, "ko") == "12월 3일(화) 14:30(중국 시간)"
    assert (
        dual_clock(MEETING, bad, KR, "zh") == "12月3日（周二）14:30（北京时间） / 15:30（首尔时间）"
    )


def test_format_when_in_each_language():
    assert format_when(MEETING, KR, "zh") == "12月3日（周二）15:30（首尔时间）"
    assert format_when(MEETING, CN, "ko") == "12월 3일(화) 14:30(중국 시간)"
    assert format_when(MEETING, CN, "en") == "Tue, Dec 3 2:30 PM Changchun time"
    assert format_when(None, CN, "zh") == ""


def test_the_current_locale_is_used_when_none_is_given():
    with force_locale("ko"):
        assert dual_clock(MEETING, KR, CN, end=END) == (
            "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"
        )


def test_localize_strict_refuses_skipped_and_repeated_times():
    from scheduler.timefmt import LocalTimeError, localize_strict

    ok = localize_strict(datetime(2030, 12, 3, 14, 30), CN)
    assert ok.astimezone(UTC) == MEETING
    with pytest.raises(LocalTimeError) as skipped:
        localize_strict(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert skipped.value.reason == "nonexistent"
    with pytest.raises(LocalTimeError) as twice:
        localize_strict(datetime(2026, 10, 25, 2, 30), BERLIN)
    assert twice.value.reason == "ambiguous"
    korean_dst = localize_strict(datetime(1988, 6, 1, 12, 0), KR)
    assert korean_dst.utcoffset().total_seconds() == 10 * 3600
