"""Time zones and the dual-clock formatting helpers. The zone is passed per call."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_datetime,
    get_timezone_location,
    match_skeleton,
    parse_pattern,
)
from flask_babel import get_locale

from scheduler.sides import CHINA, KOREA, city_label

ZONE_ALIASES = {
    "Asia/Harbin": CHINA.zone,
    "Asia/Chongqing": CHINA.zone,
    "Asia/Chungking": CHINA.zone,
    "PRC": CHINA.zone,
    "ROK": KOREA.zone,
}
_KNOWN_ZONES: set[str] | None = None


def normalize_timezone(name: str | None) -> str | None:
    """The canonical IANA name for *name*, or None when it is not a real region zone.

    Fixed-offset names (``UTC+8``, ``Etc/GMT-8``) are refused on purpose.
    """
    global _KNOWN_ZONES
    if not name:
        return None
    name = name.strip()
    name = ZONE_ALIASES.get(name, name)
    if _KNOWN_ZONES is None:
        _KNOWN_ZONES = available_timezones()
    if name not in _KNOWN_ZONES or name.startswith("Etc/") or "/" not in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def format_in_zone(dt: datetime, zone: str, fmt: str = "medium") -> str:
    """*dt* (aware) formatted by Babel for the current locale, on the clock of *zone*.

    Babel itself, not Flask-Babel: Flask-Babel's wrapper only knows the request-wide zone.
    """
    return format_datetime(dt, fmt, tzinfo=ZoneInfo(zone), locale=get_locale())


_DATE_SKELETON = {"zh": "MMMd", "ko": "MMMEd", "en": "MMMEd"}
_OWN_TIME_SKELETON = {"zh": "Hm", "ko": "hm", "en": "hm"}


def zone_label(zone: str, locale=None) -> str:
    """A short city name for *zone*: the sides' cities (`scheduler.sides`), Babel's otherwise."""
    locale = as_locale(locale or get_locale())
    label = city_label(zone, locale.language)
    if label:
        return label
    return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)


def format_when(moment: datetime | None, zone: str) -> str:
    """*moment* by Babel on the clock of *zone*, followed by the zone's city (长春, 서울)."""
    if moment is None:
        return ""
    return f"{format_in_zone(moment, zone)} {zone_label(zone)}"


@lru_cache(maxsize=64)
def _skeleton_pattern(skeleton: str, locale: Locale) -> DateTimePattern:
    """The pattern Babel's `format_skeleton` picks for *skeleton* in *locale*, looked up once:
    matching a skeleton costs more than formatting with it, and a history page formats
    hundreds of times."""
    skeletons = locale.datetime_skeletons
    if skeleton not in skeletons:
        skeleton = match_skeleton(skeleton, skeletons) or skeleton
    return parse_pattern(skeletons[skeleton])


@lru_cache(maxsize=16)
def _locale_named(name: str) -> Locale:
    return Locale.parse(name)


def as_locale(locale: Locale | str) -> Locale:
    """A Babel Locale for *locale* (a Locale or a name such as ``zh``), parsed once per name."""
    return locale if isinstance(locale, Locale) else _locale_named(locale)


def format_skeleton(skeleton: str, moment: date | datetime, locale: Locale | str) -> str:
    """*moment* (a date, or a datetime already on the wanted clock) as Babel's
    `format_skeleton` writes it."""
    locale = as_locale(locale)
    return _skeleton_pattern(skeleton, locale).apply(moment, locale)


def _time_span(start: datetime, end: datetime | None, skeleton: str, locale) -> str:
    text = format_skeleton(skeleton, start, locale)
    if end is None:
        return text
    end_text = format_skeleton(skeleton, end, locale)
    if end.date() != start.date():
        end_text = f"{format_skeleton('MMMd', end, locale)} {end_text}"
    return f"{text}–{end_text}"


def dual_clock(
    dt: datetime, own_zone: str, other_zone: str, locale=None, end: datetime | None = None
) -> str:
    """*dt* (to *end*) on the viewer's clock first, then the other side's:
    ``12月3日 14:30 长春 / 15:30 서울``. The other side's date appears only when it differs.
    """
    locale = as_locale(locale or get_locale())
    lang = locale.language
    own, other = dt.astimezone(ZoneInfo(own_zone)), dt.astimezone(ZoneInfo(other_zone))
    own_end = end.astimezone(ZoneInfo(own_zone)) if end else None
    date_part = format_skeleton(_DATE_SKELETON.get(lang, "MMMEd"), own, locale)
    own_time = _time_span(own, own_end, _OWN_TIME_SKELETON.get(lang, "hm"), locale)
    text = f"{date_part} {own_time} {zone_label(own_zone, locale)}"
    if own_zone == other_zone:
        return text
    other_end = end.astimezone(ZoneInfo(other_zone)) if end else None
    other_time = _time_span(other, other_end, "Hm", locale)
    if other.date() != own.date():
        other_time = f"{format_skeleton('MMMd', other, locale)} {other_time}"
    return f"{text} / {other_time} {zone_label(other_zone, locale)}"


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "nonexistent" or "ambiguous"


def localize_strict(naive: datetime, zone: str) -> datetime:
    """*naive* read on the clock of *zone*, as an aware datetime.

    Raises LocalTimeError for a time skipped by a DST change (e.g. 02:30 on the spring-forward
    night in Europe/Berlin) or one that happens twice (the autumn night).
    """
    tz = ZoneInfo(zone)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        raise LocalTimeError("nonexistent" if back != naive else "ambiguous")
    return first


def to_local_naive(dt: datetime, zone: str) -> datetime:
    """The wall-clock reading of *dt* in *zone*, without tzinfo (for form fields)."""
    return dt.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
