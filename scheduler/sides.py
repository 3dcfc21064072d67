"""The two sides of the exchange and the languages we write in: the one home of these facts.

The office sits in Changchun (China, ``Asia/Shanghai``, Chinese); its partners are the Korean
provinces and metropolitan cities (``Asia/Seoul``, Korean). Everything else in the code asks
this module instead of spelling a zone, a country or a language list again.
"""

from dataclasses import dataclass
from types import MappingProxyType

# The languages of the interface, of content and of mail; English is the msgid language.
LANGUAGES = ("zh", "ko", "en")
CATALOG_LANGUAGES = ("zh", "ko")
# RFC 5646 tags for iCalendar LANGUAGE= and mail Content-Language.
LANGUAGE_TAGS = MappingProxyType({"zh": "zh-CN", "ko": "ko", "en": "en"})
# Each language's name in its own script (the language switch, preference menus).
LANGUAGE_NAMES = MappingProxyType({"zh": "中文", "ko": "한국어", "en": "English"})


@dataclass(frozen=True)
class Side:
    """One side of the exchange: its code on a meeting, country, zone, language and city."""

    code: str  # the meeting's host_side value
    country: str  # ISO 3166-1 alpha-2, as the holiday calendars know it
    zone: str  # IANA zone
    language: str
    # The side's city in each reader's own script (长春 / 창춘 / Changchun).
    city: MappingProxyType
    # The word each reader names the side's clock by: 北京时间 in Chinese (one time standard for
    # all China), 중국 시간 in Korean, the city in English; "%(city)s time" completes it.
    clock: MappingProxyType

    def city_for(self, reader_language: str) -> str:
        """The city's name for a reader of *reader_language* (zh, ko or en)."""
        return self.city.get(reader_language) or self.city["en"]

    def clock_for(self, reader_language: str) -> str:
        """The name of the side's clock for a reader of *reader_language*: 北京, 중국, Changchun."""
        return self.clock.get(reader_language) or self.clock["en"]


CHINA = Side(
    code="cn",
    country="CN",
    zone="Asia/Shanghai",
    language="zh",
    city=MappingProxyType({"zh": "长春", "ko": "창춘", "en": "Changchun"}),
    clock=MappingProxyType({"zh": "北京", "ko": "중국", "en": "Changchun"}),
)
KOREA = Side(
    code="kr",
    country="KR",
    zone="Asia/Seoul",
    language="ko",
    city=MappingProxyType({"zh": "首尔", "ko": "서울", "en": "Seoul"}),
    clock=MappingProxyType({"zh": "首尔", "ko": "한국", "en": "Seoul"}),
)
SIDES = (CHINA, KOREA)
HOST_SIDE_CODES = tuple(side.code for side in SIDES)

# Defaults: the office plans on its own clock; a partner's people live on Seoul's.
OFFICE_ZONE = CHINA.zone
PARTNER_ZONE = KOREA.zone


def side_of_zone(zone: str | None) -> Side | None:
    """The side whose zone is *zone*, or None for any other zone."""
    return next((side for side in SIDES if side.zone == zone), None)


def side_of_language(language: str | None) -> Side | None:
    """The side that writes *language* (zh or ko), or None for English and anything else."""
    return next((side for side in SIDES if side.language == language), None)


def country_of_zone(zone: str | None) -> str | None:
    """CN or KR for the two sides' zones, None elsewhere (no holiday calendar applies)."""
    side = side_of_zone(zone)
    return side.country if side else None


def zone_of_language(language: str | None, default: str | None = None) -> str | None:
    """The zone of the side that writes *language*; *default* for English and the rest."""
    side = side_of_language(language)
    return side.zone if side else default


def other_side_zone(own_zone: str) -> str:
    """The zone of the other side of the exchange: Seoul for Chinese staff, else Changchun."""
    return CHINA.zone if own_zone == KOREA.zone else KOREA.zone


def clock_word(zone: str, reader_language: str) -> str | None:
    """The side's clock name for a reader of *reader_language*, or None for any other zone."""
    side = side_of_zone(zone)
    return side.clock_for(reader_language) if side else None
