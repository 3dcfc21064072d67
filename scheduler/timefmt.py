"""Time zones and the dual-clock formatting helpers. The zone is passed per call."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import format_datetime, get_locale

ZONE_ALIASES = {
    "Asia/Harbin": "Asia/Shanghai",
    "Asia/Chongqing": "Asia/Shanghai",
    "Asia/Chungking": "Asia/Shanghai",
    "PRC": "Asia/Shanghai",
    "ROK": "Asia/Seoul",
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
    """*dt* (aware) formatted by Babel for the current locale, on the clock of *zone*."""
    return format_datetime(dt, fmt, tzinfo=ZoneInfo(zone), locale=get_locale())
