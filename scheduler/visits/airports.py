"""Airports a delegation flies through, named in the reader's own script.

A visit's arrival and departure airport is one typed text (``CGQ``, ``长春龙嘉国际机场``,
``인천국제공항``). When it is the IATA code or a name of an airport below, every reader sees
that airport in their script with its code (``창춘 룽자 국제공항(CGQ)`` for a Korean
itinerary of a visit typed in Chinese); anything else is shown as typed.
"""

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Airport:
    code: str  # IATA
    zh: str
    ko: str
    en: str

    def name(self, lang: str) -> str:
        """The name for a reader of *lang* with the code: ``仁川国际机场（ICN）``."""
        name = getattr(self, lang, "") or self.en
        brackets = {"zh": "{}（{}）", "ko": "{}({})"}.get(lang, "{} ({})")
        return brackets.format(name, self.code)


# The airports of the exchange: the zone's own, Korea's international ones and the nearby
# Chinese hubs delegations connect through.
AIRPORTS = (
    Airport(
        "CGQ", "长春龙嘉国际机场", "창춘 룽자 국제공항", "Changchun Longjia International Airport"
    ),
    Airport("ICN", "仁川国际机场", "인천국제공항", "Incheon International Airport"),
    Airport("GMP", "金浦国际机场", "김포국제공항", "Gimpo International Airport"),
    Airport("PUS", "金海国际机场", "김해국제공항", "Gimhae International Airport"),
    Airport("CJU", "济州国际机场", "제주국제공항", "Jeju International Airport"),
    Airport("TAE", "大邱国际机场", "대구국제공항", "Daegu International Airport"),
    Airport("CJJ", "清州国际机场", "청주국제공항", "Cheongju International Airport"),
    Airport("MWX", "务安国际机场", "무안국제공항", "Muan International Airport"),
    Airport("YNY", "襄阳国际机场", "양양국제공항", "Yangyang International Airport"),
    Airport("KWJ", "光州机场", "광주공항", "Gwangju Airport"),
    Airport("USN", "蔚山机场", "울산공항", "Ulsan Airport"),
    Airport("RSU", "丽水机场", "여수공항", "Yeosu Airport"),
    Airport(
        "PEK", "北京首都国际机场", "베이징 서우두 국제공항", "Beijing Capital International Airport"
    ),
    Airport(
        "PKX", "北京大兴国际机场", "베이징 다싱 국제공항", "Beijing Daxing International Airport"
    ),
    Airport(
        "PVG", "上海浦东国际机场", "상하이 푸둥 국제공항", "Shanghai Pudong International Airport"
    ),
    Airport(
        "SHE", "沈阳桃仙国际机场", "선양 타오셴 국제공항", "Shenyang Taoxian International Airport"
    ),
    Airport(
        "DLC",
        "大连周水子国际机场",
        "다롄 저우수이쯔 국제공항",
        "Dalian Zhoushuizi International Airport",
    ),
    Airport(
        "HRB",
        "哈尔滨太平国际机场",
        "하얼빈 타이핑 국제공항",
        "Harbin Taiping International Airport",
    ),
    Airport(
        "YNJ",
        "延吉朝阳川国际机场",
        "옌지 차오양촨 국제공항",
        "Yanji Chaoyangchuan International Airport",
    ),
)


def _key(text: str) -> str:
    """Case, spaces and a trailing code in brackets do not matter: ``ICN``, ``icn``,
    ``인천 국제공항``, ``仁川国际机场（ICN）`` all find Incheon."""
    text = text.replace("（", "(").replace("）", ")").strip()
    if text.endswith(")") and "(" in text:
        text = text[: text.rindex("(")]
    return "".join(text.split()).casefold()


_BY_KEY = MappingProxyType({_key(text): a for a in AIRPORTS for text in (a.code, a.zh, a.ko, a.en)})


def find_airport(text: str) -> Airport | None:
    """The airport *text* names (code or a name in any language), or None."""
    return _BY_KEY.get(_key(text or ""))


def airport_name(text: str, lang: str) -> str:
    """*text* as a reader of *lang* should read it: a known airport in their script with its
    code, anything else as typed."""
    airport = find_airport(text)
    return airport.name(lang) if airport else (text or "")
