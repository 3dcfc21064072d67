"""Korean particles follow the word they attach to, and Chinese lists use 、 (issue 11, item 8)."""

import re
from datetime import date, time
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale

from scheduler.hangul import particle, with_particle
from scheduler.meetings.series.recurrence import Rule
from scheduler.meetings.series.summary import describe

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
# Ends in a vowel, in a consonant, in ㄹ; Latin, digits, quoted, Hanzi and emoji endings.
CASES = [
    ("박지수", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
    ("왕팡", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "으로"}),
    ("김민준", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "으로"}),
    ("서울", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "로"}),
    ("Seoul", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "로"}),
    ("Zoom", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "으로"}),
    ("Webex", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
    ("회의실 3", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "으로"}),
    ("회의실 7", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "로"}),
    ("회의실 2", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
    ("「정례 회의」", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
    ("「업무협약(MOU) 체결식」", {"을": "을", "이": "이", "은": "은", "와": "과", "으로": "으로"}),
    ("金民俊", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
    ("🎉", {"을": "를", "이": "가", "은": "는", "와": "와", "으로": "로"}),
]


@pytest.mark.parametrize(("word", "expected"), CASES)
def test_the_particle_follows_the_last_sound(word, expected):
    for which, form in expected.items():
        assert particle(word, which) == form, (word, which)
        # Either form may be asked for: the answer is the same.
        other = {"을": "를", "이": "가", "은": "는", "와": "과", "으로": "로"}[which]
        assert with_particle(word, other) == word + form


def test_the_template_filter_chooses_too(app):
    with app.test_request_context():
        text = render_template_string(
            "{{ a|josa('을') }} {{ b|josa('을') }} {{ c|josa('으로') }} {{ d|josa('이') }}",
            a="박지수", b="김민준", c="서울", d="<박>",
        )  # fmt: skip
    assert text == "박지수를 김민준을 서울로 &lt;박&gt;이"


def test_unknown_particles_are_refused():
    with pytest.raises(KeyError):
        particle("서울", "에서")


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_no_catalog_entry_hedges_a_particle(lang):
    text = (CATALOGS / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    hedges = re.findall(r"\((?:을|를|이|가|은|는|와|과|으)\)", text)
    assert hedges == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "每周星期一、星期三、星期五，共6次会议"),
        ("ko", "매주 월요일, 수요일, 금요일"),
        ("en", "Every week on Monday, Wednesday, Friday"),
    ],
)
def test_weekday_lists_use_each_languages_separator(app, lang, expected):
    rule = Rule("weekly", 1, date(2030, 12, 2), time(10), 60, "Asia/Shanghai",
                weekdays=("MO", "WE", "FR"), count=6)  # fmt: skip
    with app.test_request_context(), force_locale(lang):
        assert describe(rule).startswith(expected)
