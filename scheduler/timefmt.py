"""Time zones and how times read: the one home of time lines, dates and zone names.

The zone is passed per call. Each reader gets their own script and idiom (北京时间 / 首尔时间,
중국 시간 / 한국 시간, Changchun / Seoul time), one clock style per line and the weekday; the
year only when it is not the current one.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_date,
    get_timezone_location,
    get_timezone_name,
    match_skeleton,
    parse_pattern,
)
from flask import has_app_context
from flask_babel import force_locale, get_locale, pgettext
from flask_babel import gettext as _

from scheduler.db import now_utc
from scheduler.sides import CHINA, KOREA, OFFICE_ZONE, clock_word, side_of_zone

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
    if not name:
        return None
    return _normalized(name)


@lru_cache(maxsize=1024)
def _normalized(name: str) -> str | None:
    # A page normalizes the same few zones for every row it shows.
    global _KNOWN_ZONES
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


def zone_label(zone: str, locale=None) -> str:
    """The short name of *zone*'s clock for sentences such as "the %(city)s clock":
    the sides' words (北京 / 중국 / Changchun, 首尔 / 한국 / Seoul), Babel's city otherwise."""
    zone = normalize_timezone(zone) or OFFICE_ZONE
    locale = _as_locale(locale)
    word = clock_word(zone, locale.language)
    if word:
        return word
    return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)


def zone_name(zone: str, moment: datetime | None = None, locale=None) -> str:
    """*zone* named for a reader in prose, never as its IANA id: 北京时间 / 중국 시간 /
    Changchun time for the sides; for other zones the city's time, and where the zone keeps
    daylight saving also the name it has at *moment* (中欧夏令时间 in July, 中欧标准时间 in
    January). An unknown or empty zone reads as the office's clock, never as an error."""
    zone = normalize_timezone(zone) or OFFICE_ZONE
    locale = _as_locale(locale)
    if side_of_zone(zone) or not _keeps_daylight_saving(zone, moment):
        return _city_time(zone, str(locale), has_app_context())
    with _in_locale(locale):
        local = (moment or now_utc()).astimezone(ZoneInfo(zone))
        standard = get_timezone_name(local, "long", locale=locale)
        return pgettext(
            "clock", "%(city)s time (%(zone)s)", city=zone_label(zone, locale), zone=standard
        )


@lru_cache(maxsize=256)
def _city_time(zone: str, locale: str, translated: bool) -> str:
    """``北京时间``: a zone's name where it does not change with the season, made once per
    zone and locale (every row of a page names the same two clocks). Without an
    application context messages stay English msgids, hence *translated* in the key."""
    with _in_locale(as_locale(locale)):
        return pgettext("clock", "%(city)s time", city=zone_label(zone, locale))


def _in_locale(locale: Locale):
    """Translate in *locale*; the request's own locale needs no switch (a feed formats
    hundreds of times, and switching reloads the catalog each time)."""
    current = get_locale()
    if current is not None and str(current) == str(locale):
        return nullcontext()
    return force_locale(str(locale))


def _keeps_daylight_saving(zone: str, moment: datetime | None) -> bool:
    year = (moment or now_utc()).year
    tz = ZoneInfo(zone)
    winter, summer = datetime(year, 1, 15, tzinfo=tz), datetime(year, 7, 15, tzinfo=tz)
    return winter.utcoffset() != summer.utcoffset()


def _as_locale(locale) -> Locale:
    if locale is None:  # outside a request messages stay English msgids: so do the clocks
        return get_locale() or as_locale("en")
    return as_locale(locale if isinstance(locale, Locale) else str(locale).replace("-", "_"))


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


def today_in(zone: str, now: datetime | None = None) -> date:
    """Today's date on the clock of *zone*."""
    return (now or now_utc()).astimezone(ZoneInfo(zone)).date()


def current_year(zone: str = OFFICE_ZONE) -> int:
    """The year a date is written without (its own hook, so tests can pin it)."""
    return today_in(zone).year


@dataclass(frozen=True)
class _LineStyle:
    """How one language writes a time line."""

    clock: str  # Babel skeleton of a time of day
    dash: str  # between start and end
    after_date: str  # between the date and the time
    label: str  # a time followed by its clock's name


# zh and ko: one 24-hour clock on both sides (Korean notices write 15:30~17:00); English
# keeps its 12-hour clock, on both sides too.
_STYLES = {
    "zh": _LineStyle("Hm", "–", "", "{time}（{label}）"),
    "ko": _LineStyle("Hm", "~", " ", "{time}({label})"),
    "en": _LineStyle("hm", "–", " ", "{time} {label}"),
}


def _style(locale: Locale) -> _LineStyle:
    return _STYLES.get(locale.language, _STYLES["en"])


def format_day(day: date, locale=None, year: int | None = None) -> str:
    """*day* with its weekday, and with its year when that is not *year* (default: this one):
    ``12月8日（周二）`` / ``12월 8일(화)`` / ``Tue, Dec 8``; ``2027年1月5日（周二）``."""
    locale = _as_locale(locale)
    return _day_text(day, str(locale), day.year != (year or current_year()))


@lru_cache(maxsize=2048)
def _day_text(day: date, locale_name: str, with_year: bool) -> str:
    # Lists and calendars write the same days over and over; Babel's formatting is the cost.
    locale = as_locale(locale_name)
    y = "y" if with_year else ""
    if locale.language == "en" or locale.language not in _STYLES:
        return format_skeleton(f"{y}MMMEd", day, locale=locale)
    weekday = format_date(day, "EEE", locale=locale)
    brackets = "（{}）" if locale.language == "zh" else "({})"
    return format_skeleton(f"{y}MMMd", day, locale=locale) + brackets.format(weekday)


def format_clock(moment: datetime, zone: str, locale=None) -> str:
    """The time of day of *moment* on the clock of *zone*, in the reader's one clock style."""
    locale = _as_locale(locale)
    local = moment.astimezone(ZoneInfo(zone))
    return _clock(local.hour, local.minute, _style(locale).clock, str(locale))


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, skeleton: str, locale: str) -> str:
    # Calendar pages repeat the same few dozen times of day; Babel is the slow part.
    return format_skeleton(skeleton, datetime(2000, 1, 1, hour, minute), locale=locale)


def date_then_time(day_text: str, time_text: str, locale=None) -> str:
    """A date and a time read together: ``12月3日（周四）14:30``, ``12월 3일(목) 15:30``."""
    return _style(_as_locale(locale)).after_date.join((day_text, time_text))


def with_clock_name(time_text: str, zone: str, moment: datetime, locale=None) -> str:
    """*time_text* followed by *zone*'s clock: ``14:30（北京时间）``, ``15:30(한국 시간)``."""
    locale = _as_locale(locale)
    return _style(locale).label.format(time=time_text, label=zone_name(zone, moment, locale))


def format_when(moment: datetime | None, zone: str, locale=None, year: int | None = None) -> str:
    """*moment* on the clock of *zone*, dated and labelled: ``12月3日（周四）14:30（北京时间）``."""
    if moment is None:
        return ""
    zone = normalize_timezone(zone) or OFFICE_ZONE
    day = format_day(moment.astimezone(ZoneInfo(zone)).date(), locale, year or current_year(zone))
    clock = with_clock_name(format_clock(moment, zone, locale), zone, moment, locale)
    return date_then_time(day, clock, locale)


def format_span(start: datetime, end: datetime | None, zone: str, locale=None) -> str:
    """``14:30–16:00`` (ko ``14:30~16:00``) on *zone*'s clock; the end is dated when it falls
    on a later day (with its year only when that differs from the start's)."""
    text = format_clock(start, zone, locale)
    if end is None:
        return text
    tz = ZoneInfo(zone)
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    end_text = format_clock(end, zone, locale)
    if last != first:
        end_text = date_then_time(format_day(last, locale, first.year), end_text, locale)
    return f"{text}{_style(_as_locale(locale)).dash}{end_text}"


# Pass as ``year`` to write every date with its year (no date in the app is in year 1):
# lists that span years, such as search results, where a date without a year misleads.
EVERY_YEAR = 1


def dual_clock(
    dt: datetime,
    own_zone: str,
    other_zone: str,
    locale=None,
    end: datetime | None = None,
    year: int | None = None,
) -> str:
    """*dt* (to *end*) on the reader's clock first, then the other side's, each labelled in
    the reader's script: ``12月3日（周四）14:30–16:00（北京时间）/ 15:30–17:00（首尔时间）``.
    The other side's date appears only when it differs; the year only when it is not the
    current one (and on the other side's date only when it differs from the reader's).
    Unknown zones read as the office's clock."""
    locale = _as_locale(locale)
    own_zone = normalize_timezone(own_zone) or OFFICE_ZONE
    other_zone = normalize_timezone(other_zone) or OFFICE_ZONE
    year = year or current_year(own_zone)
    return _dual_clock(dt, own_zone, other_zone, str(locale), end, year, has_app_context())


@lru_cache(maxsize=4096)
def _dual_clock(dt, own_zone, other_zone, locale, end, year, _translated) -> str:
    # Lists show the same meetings request after request; the key holds everything the
    # text depends on (*_translated*: messages are English msgids outside an app context).
    own_day = dt.astimezone(ZoneInfo(own_zone)).date()
    own = with_clock_name(format_span(dt, end, own_zone, locale), own_zone, dt, locale)
    text = date_then_time(format_day(own_day, locale, year), own, locale)
    if own_zone == other_zone:
        return text
    other = format_span(dt, end, other_zone, locale)
    other = with_clock_name(other, other_zone, dt, locale)
    other_day = dt.astimezone(ZoneInfo(other_zone)).date()
    if other_day != own_day:
        other = date_then_time(format_day(other_day, locale, own_day.year), other, locale)
    return f"{text} / {other}"


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "nonexistent" or "ambiguous"


def local_time_error_text(error: LocalTimeError, zone: str) -> str:
    """Why a wall-clock time cannot be used in *zone*, naming the zone by its city."""
    city = zone_label(zone)
    if error.reason == "nonexistent":
        return _("This time does not exist in %(zone)s (the clocks change).", zone=city)
    return _("This time happens twice in %(zone)s (the clocks change).", zone=city)


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
