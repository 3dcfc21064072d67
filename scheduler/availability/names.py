"""Our own labels for holiday names the `holidays` package has in one language only.

The package names Korean holidays in Korean and English (no Chinese) and Chinese holidays in
Chinese and English (no Korean). These tables give the missing side. `tests/test_holidays.py`
fails when the package produces a name for 2020–2028 that these tables cannot label.
"""

import re

# Korean name (as the package writes it) → Chinese label.
KOREAN_TO_CHINESE = {
    "신정": "元旦",
    "신정연휴": "元旦",
    "설날": "春节",
    "삼일절": "三一节",
    "식목일": "植树节",
    "부처님오신날": "佛诞日",
    "석가탄신일": "佛诞日",
    "노동절": "劳动节",
    "근로자의날": "劳动节",
    "어린이날": "儿童节",
    "현충일": "显忠日",
    "제헌절": "制宪节",
    "광복절": "光复节",
    "추석": "中秋节",
    "국군의 날": "国军日",
    "개천절": "开天节",
    "한글날": "韩文日",
    "기독탄신일": "圣诞节",
    "국회의원 선거일": "国会议员选举日",
    "대통령 선거일": "总统选举日",
    "지방선거일": "地方选举日",
    "임시공휴일": "临时公休日",
    "대체 휴일": "补休日",
}

# Chinese name (as the package writes it) → Korean label.
CHINESE_TO_KOREAN = {
    "元旦": "신정",
    "农历除夕": "춘절 전날(섣달그믐)",
    "春节": "춘절",
    "春节延长假期": "춘절 연장 휴일",
    "清明节": "청명절",
    "劳动节": "노동절",
    "端午节": "단오절",
    "中秋节": "중추절",
    "国庆节": "국경절",
    "补假": "대체 휴일",
}

# (pattern on the package's name, template for our label); {0} is the label of the group.
_KOREAN_PATTERNS = (
    # 预计 (expected), not 推定: mainland notices use 推定 only as the legal "presumption".
    (re.compile(r"^(.+) 대체 휴일 \(추정\)$"), "{0}补休日（预计）"),
    (re.compile(r"^(.+) \(추정\)$"), "{0}（预计）"),
    (re.compile(r"^(.+) 대체 휴일$"), "{0}补休日"),
    (re.compile(r"^(.+) 전날$"), "{0}前一天"),
    (re.compile(r"^(.+) 다음날$"), "{0}次日"),
)
_CHINESE_PATTERNS = (
    (re.compile(r"^(.+)（补假，推定）$"), "{0} 대체 휴일(추정)"),
    (re.compile(r"^(.+)（补假）$"), "{0} 대체 휴일"),
    (re.compile(r"^(.+)（推定）$"), "{0}(추정)"),
)
_CHINESE_DAY_OFF = re.compile(r"^休息日（由 (\d{4}-\d{2}-\d{2}) 调休）$")


# The package's own-language names that official usage writes otherwise: Korea has kept one
# day, 신정, since 1999 (the package says 신정연휴), and the statutory term for a substitute
# holiday is 대체공휴일; 补假 is Hong Kong usage, the mainland says 假期 / 补休, and 预计 for a
# date not yet announced.
_OWN_NAMES = {"KR": {"신정연휴": "신정"}, "CN": {}}
_OWN_PATTERNS = {
    "KR": (
        (re.compile(r"^(.+) 대체 휴일 \(추정\)$"), "{0} 대체공휴일(추정)"),
        (re.compile(r"^(.+) 대체 휴일$"), "{0} 대체공휴일"),
    ),
    "CN": (
        (re.compile(r"^(.+)（补假，推定）$"), "{0}假期（预计）"),
        (re.compile(r"^(.+)（补假）$"), "{0}假期"),
        (re.compile(r"^(.+)（推定）$"), "{0}（预计）"),
    ),
}


def own_label(country: str, name: str) -> str:
    """The package's name of a holiday in its own country's language, in official wording."""
    if name in _OWN_NAMES[country]:
        return _OWN_NAMES[country][name]
    for pattern, template in _OWN_PATTERNS[country]:
        match = pattern.match(name)
        if match:
            return template.format(match[1])
    return name


def bridge_day_names(holiday_zh: str) -> dict[str, str] | None:
    """Names of a Chinese bridge day off (休息日（由 … 调休）) after the holiday it extends.

    A Chinese official writes 元旦假期（调休）, a Korean reader 신정 연휴(대체 휴무); None when
    the holiday is unknown (the caller keeps the package's names).
    """
    base = base_name(holiday_zh).removesuffix("假期")
    base = "春节" if base == "农历除夕" else base
    korean = CHINESE_TO_KOREAN.get(base)
    if not korean:
        return None
    return {"zh": f"{base}假期（调休）", "ko": f"{korean} 연휴(대체 휴무)"}


def _label(name: str, table: dict, patterns) -> str | None:
    if name in table:
        return table[name]
    for pattern, template in patterns:
        match = pattern.match(name)
        if match and match[1] in table:
            return template.format(table[match[1]])
    return None


def chinese_label_for_korean(name: str) -> str | None:
    """The Chinese label of a Korean holiday name, or None when the tables do not know it."""
    return _label(name, KOREAN_TO_CHINESE, _KOREAN_PATTERNS)


def korean_label_for_chinese(name: str) -> str | None:
    """The Korean label of a Chinese holiday name, or None when the tables do not know it."""
    day_off = _CHINESE_DAY_OFF.match(name)
    if day_off:
        return f"대체 휴무일({day_off[1]} 근무 대체)"
    return _label(name, CHINESE_TO_KOREAN, _CHINESE_PATTERNS)


def base_name(name: str) -> str:
    """The holiday a derived name is built on (``설날 대체 휴일`` → ``설날``), else *name*."""
    for pattern, _template in _KOREAN_PATTERNS + _CHINESE_PATTERNS:
        match = pattern.match(name)
        if match:
            return match[1]
    return name


def substituted_workday(name: str) -> str | None:
    """For a Chinese ``休息日（由 2026-02-14 调休）`` name, the make-up workday ``2026-02-14``."""
    match = _CHINESE_DAY_OFF.match(name)
    return match[1] if match else None


def makeup_names(day_off: str | None) -> dict[str, str]:
    """Labels of a weekend make-up workday, naming the day off it pays for when known."""
    if not day_off:
        return {"zh": "调休上班日", "ko": "대체 근무일", "en": "Make-up working day"}
    return {
        "zh": f"调休上班日（{day_off} 休息）",
        "ko": f"대체 근무일({day_off} 휴무 대체)",
        "en": f"Make-up working day (for the day off on {day_off})",
    }
