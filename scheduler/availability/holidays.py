"""Chinese and Korean public holidays, China's make-up workdays (调休) and staff overrides.

Pure functions: the `holidays` package gives the official calendar, the caller passes the
staff overrides in as ``{date: Override}``, and an override always wins. (``import holidays``
below is absolute: it reaches the package, never this module.)
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from scheduler.availability import names as labels
from scheduler.i18n import join_list
from scheduler.sides import LANGUAGES, SIDES

COUNTRIES = tuple(side.country for side in SIDES)
KINDS = ("workday", "weekend", "holiday", "makeup_workday")
OVERRIDE_KINDS = ("holiday", "workday")
_NATIVE = {"CN": ("zh", "zh_CN"), "KR": ("ko", "ko")}  # (our language code, package language)
NO_NAMES: Mapping[str, str] = {"zh": "", "ko": "", "en": ""}


@dataclass(frozen=True)
class Override:
    """A staff decision about one day: ``holiday`` (with names) or ``workday``."""

    kind: str
    names: Mapping[str, str] = field(default_factory=lambda: dict(NO_NAMES))


@dataclass(frozen=True)
class DayInfo:
    """What one day is in one country, with its names in zh/ko/en ('' when unnamed)."""

    is_working_day: bool
    kind: str
    names: Mapping[str, str] = field(default_factory=lambda: dict(NO_NAMES))
    source: str = "package"  # or "override"


@dataclass(frozen=True)
class _YearTable:
    holidays: dict[date, Mapping[str, str]]
    makeup_workdays: dict[date, Mapping[str, str]]


def _check_country(country: str) -> None:
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; expected CN or KR")


def _english_names(native: list[str], english: list[str], calendar_en) -> list[str]:
    """Pair each native name with its English one.

    The package sorts several names on one day alphabetically *per language*, so the lists
    are not aligned; match through the package's own translation of each name's base.
    """
    if len(native) == len(english) == 1:
        return english
    translate = getattr(calendar_en, "tr", lambda text: text)
    left = list(english)
    paired: list[str | None] = []
    for name in native:
        hint = translate(labels.base_name(name))
        match = next((en for en in left if hint and hint in en), None)
        if match is not None:
            left.remove(match)
        paired.append(match)
    return [en if en is not None else left.pop(0) if left else "" for en in paired]


def _other_label(country: str, name: str) -> str:
    if country == "KR":
        return labels.chinese_label_for_korean(name) or name
    return labels.korean_label_for_chinese(name) or name


def _names_of_day(country: str, native: list[str], english: list[str]) -> Mapping[str, str]:
    own, _package_language = _NATIVE[country]
    other = "ko" if own == "zh" else "zh"
    values = {
        own: [labels.own_label(country, name) for name in native],
        other: [_other_label(country, name) for name in native],
        "en": english,
    }
    # Read-only: the cached tables are shared by every caller.
    return MappingProxyType({lang: join_list(values[lang], lang) for lang in LANGUAGES})


def package_calendars(country: str, year: int):
    """The `holidays` objects for *country* and *year*: (native language, English)."""
    language = _NATIVE[country][1]
    native = holidays.country_holidays(country, years=year, language=language)
    english = holidays.country_holidays(country, years=year, language="en_US")
    return native, english


def _makeup_days(country: str, year: int, native, table: dict) -> dict[date, Mapping[str, str]]:
    if country != "CN":
        return {}  # Korea has no weekend make-up workdays
    day_off_for: dict[str, str] = {}
    for day, names in table.items():
        workday = labels.substituted_workday(names["zh"])
        if workday:
            day_off_for[workday] = day.isoformat()
    workdays = getattr(native, "weekend_workdays", set())
    return {
        day: MappingProxyType(labels.makeup_names(day_off_for.get(day.isoformat())))
        for day in sorted(workdays)
        if day.year == year
    }


@lru_cache(maxsize=64)
def _year_table(country: str, year: int) -> _YearTable:
    native, english = package_calendars(country, year)
    table = {}
    for day in sorted(native):
        native_names = native.get_list(day)
        english_names = _english_names(native_names, english.get_list(day), english)
        table[day] = _names_of_day(country, native_names, english_names)
    makeup = _makeup_days(country, year, native, table)
    if country == "CN":
        _name_bridge_days(table)
    return _YearTable(table, makeup)


def _name_bridge_days(table: dict[date, Mapping[str, str]]) -> None:
    """Rename each 休息日（由 … 调休） after the holiday it extends (元旦假期（调休）)."""
    for day, names in table.items():
        if not labels.substituted_workday(names["zh"]):
            continue
        holiday = _holiday_near(table, day)
        renamed = labels.bridge_day_names(holiday) if holiday else None
        if renamed:
            table[day] = MappingProxyType({**names, **renamed})


def _holiday_near(table: dict[date, Mapping[str, str]], day: date) -> str | None:
    """The zh name of the closest named holiday within a week of *day* (bridge days aside).

    A bridge day mostly follows its holiday; some come before it (the eve of 春节).
    """
    for step in (offset for distance in range(1, 8) for offset in (-distance, distance)):
        names = table.get(day + timedelta(days=step))
        if names and not labels.substituted_workday(names["zh"]) and "调休" not in names["zh"]:
            return names["zh"].split("、")[0]
    return None


def _from_package(country: str, day: date) -> DayInfo:
    table = _year_table(country, day.year)
    if day in table.holidays:
        return DayInfo(False, "holiday", table.holidays[day])
    if day in table.makeup_workdays:
        return DayInfo(True, "makeup_workday", table.makeup_workdays[day])
    if day.weekday() >= 5:
        return DayInfo(False, "weekend")
    return DayInfo(True, "workday")


def _from_override(day: date, override: Override) -> DayInfo:
    names = {lang: (override.names.get(lang) or "") for lang in LANGUAGES}
    if override.kind == "holiday":
        return DayInfo(False, "holiday", names, "override")
    if day.weekday() < 5:
        return DayInfo(True, "workday", names, "override")
    if not any(names.values()):
        names = labels.makeup_names(None)
    return DayInfo(True, "makeup_workday", names, "override")


def day_info(country: str, day: date, overrides: Mapping[date, Override] | None = None) -> DayInfo:
    """Whether *day* is a working day in *country* ('CN' or 'KR'), what kind, and its names."""
    _check_country(country)
    override = overrides.get(day) if overrides else None
    return _from_override(day, override) if override else _from_package(country, day)


def days_between(
    country: str, start: date, end: date, overrides: Mapping[date, Override] | None = None
) -> Iterator[tuple[date, DayInfo]]:
    """Every day from *start* to *end* (both included) with its DayInfo."""
    _check_country(country)
    overrides = overrides or {}
    day = start
    while day <= end:
        override = overrides.get(day)
        yield day, _from_override(day, override) if override else _from_package(country, day)
        day += timedelta(days=1)


def non_working_days(
    country: str, start: date, end: date, overrides: Mapping[date, Override] | None = None
) -> dict[date, DayInfo]:
    """The days from *start* to *end* (included) on which *country* does not work, with names.

    One pass over the range; the package is consulted once per (country, year) and cached.
    """
    return {
        day: info
        for day, info in days_between(country, start, end, overrides)
        if not info.is_working_day
    }


def notable_days(
    country: str, year: int, overrides: Mapping[date, Override] | None = None
) -> list[tuple[date, DayInfo]]:
    """The year's holidays (also those on weekends), weekend workdays and every override day."""
    days = days_between(country, date(year, 1, 1), date(year, 12, 31), overrides)
    return [
        (day, info)
        for day, info in days
        if info.kind in ("holiday", "makeup_workday") or info.source == "override"
    ]


def package_names(country: str, years) -> set[str]:
    """Every holiday name the package gives *country* in its own language for *years*."""
    found: set[str] = set()
    for year in years:
        native, _english = package_calendars(country, year)
        for day in native:
            found.update(native.get_list(day))
    return found


def name_in(names: Mapping[str, str], lang: str) -> str:
    """The name in *lang*, falling back through zh, ko, en (staff may fill in one language)."""
    for code in (lang, *LANGUAGES):
        if names.get(code):
            return names[code]
    return ""
