"""Time zones and the dual-clock format."""

from datetime import UTC, datetime

import pytest

from scheduler.timefmt import dual_clock, normalize_timezone

MEETING = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Asia/Shanghai", "Asia/Shanghai"), ("Asia/Harbin", "Asia/Shanghai"),
     (" Asia/Seoul ", "Asia/Seoul"), ("Europe/Berlin", "Europe/Berlin"), ("UTC", None),
     ("Etc/GMT-8", None), ("UTC+8", None), ("Asia/Atlantis", None), ("", None), (None, None),
     ("../etc/passwd", None)],
)  # fmt: skip
def test_normalize_timezone(name, expected):
    assert normalize_timezone(name) == expected


def test_dual_clock_in_chinese_and_korean():
    assert (
        dual_clock(MEETING, "Asia/Shanghai", "Asia/Seoul", "zh")
        == "12月3日 14:30 长春 / 15:30 서울"
    )
    assert (
        dual_clock(MEETING, "Asia/Seoul", "Asia/Shanghai", "ko")
        == "12월 3일 (목) 오후 3:30 서울 / 14:30 长春"
    )


def test_dual_clock_repeats_the_date_when_the_other_side_is_on_another_day():
    late = datetime(2026, 12, 3, 15, 30, tzinfo=UTC)  # 23:30 in Changchun, 00:30 in Seoul
    assert dual_clock(late, "Asia/Shanghai", "Asia/Seoul", "zh") == (
        "12月3日 23:30 长春 / 12月4日 00:30 서울"
    )


def test_dual_clock_other_zones_use_babel_city_names():
    text = dual_clock(MEETING, "Asia/Seoul", "Europe/Berlin", "en")
    assert text == "Thu, Dec 3 3:30 PM Seoul / 07:30 Berlin"
    assert dual_clock(MEETING, "Asia/Shanghai", "Europe/Berlin", "ko") == (
        "12월 3일 (목) 오후 2:30 长春 / 07:30 베를린"
    )


def test_localize_strict_refuses_skipped_and_repeated_times():
    from scheduler.timefmt import LocalTimeError, localize_strict

    ok = localize_strict(datetime(2026, 12, 3, 14, 30), "Asia/Shanghai")
    assert ok.astimezone(UTC) == MEETING
    with pytest.raises(LocalTimeError) as skipped:
        localize_strict(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    assert skipped.value.reason == "nonexistent"
    with pytest.raises(LocalTimeError) as twice:
        localize_strict(datetime(2026, 10, 25, 2, 30), "Europe/Berlin")
    assert twice.value.reason == "ambiguous"
    korean_dst = localize_strict(datetime(1988, 6, 1, 12, 0), "Asia/Seoul")
    assert korean_dst.utcoffset().total_seconds() == 10 * 3600


def test_dual_clock_with_an_end_time():
    end = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    assert dual_clock(MEETING, "Asia/Shanghai", "Asia/Seoul", "zh", end=end) == (
        "12月3日 14:30–16:00 长春 / 15:30–17:00 서울"
    )
    assert dual_clock(MEETING, "Asia/Seoul", "Asia/Shanghai", "ko", end=end) == (
        "12월 3일 (목) 오후 3:30–오후 5:00 서울 / 14:30–16:00 长春"
    )
