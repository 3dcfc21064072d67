"""Words officials use for the same thing, so a search finds what they type.

Each concept lists the words for one kind of exchange in Chinese, Korean and English (the
glossary's terms and the words seen in real exchange records, see
shared/reference/domain-facts.md §5) and the meeting kind it names. A search term that is
one of these words, as a whole, is also searched as every other word of its concept, and
finds the meetings of that kind: 签约 finds "签署合作备忘录", "MOU signing" and 업무협약 체결.
The page says which words were added, so the expansion stays visible and exact.
"""

from dataclasses import dataclass
from functools import lru_cache

from scheduler.history.search.index import normalize
from scheduler.meetings.models import MeetingKind


@dataclass(frozen=True)
class Concept:
    """One kind of exchange and the words for it in each language."""

    kind: str
    zh: tuple[str, ...]
    ko: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return self.zh + self.ko + self.en


CONCEPTS = (
    Concept(
        MeetingKind.SIGNING,
        zh=("签约", "签署", "备忘录", "协议", "协定"),
        ko=("협약", "업무협약", "체결", "양해각서", "협정"),
        en=("MOU", "signing", "agreement", "memorandum"),
    ),
    Concept(
        MeetingKind.VIDEO_LINK,
        zh=("视频连线", "视频会议", "视频会谈", "云上会谈"),
        ko=("화상회의", "화상 회의", "화상 연결"),
        en=("video link", "video conference", "videoconference", "video call"),
    ),
    Concept(
        MeetingKind.INSPECTION,
        zh=("考察", "实地考察", "参观"),
        ko=("시찰", "현장 시찰", "견학"),
        en=("inspection", "site visit", "study visit"),
    ),
    Concept(
        MeetingKind.FORUM,
        zh=("论坛", "研讨会", "座谈会"),
        ko=("포럼", "세미나", "간담회"),
        en=("forum", "seminar", "roundtable"),
    ),
    Concept(
        MeetingKind.INBOUND_VISIT,
        zh=("来访", "代表团来访"),
        ko=("내방", "방중", "대표단 내방"),
        en=("inbound visit",),
    ),
    Concept(
        MeetingKind.OUTBOUND_VISIT,
        zh=("出访",),
        ko=("방한", "대표단 방한"),
        en=("outbound visit",),
    ),
)


@dataclass(frozen=True)
class Expansion:
    """What one search term is searched as."""

    term: str  # the normalized term as typed
    synonyms: tuple[str, ...] = ()  # the other words of its concepts, as the table writes them
    kinds: tuple[str, ...] = ()  # the meeting kinds its concepts name

    @property
    def terms(self) -> tuple[str, ...]:
        """The term first, then its synonyms, normalized: what is looked for and marked."""
        return (self.term, *(normalize(word) for word in self.synonyms))

    @property
    def searched(self) -> tuple[str, ...]:
        """The terms the database is asked for: a word that contains another one of them
        is left out (the shorter word finds it already; 업무협약 is found by 협약)."""
        terms = self.terms
        return tuple(t for t in terms if not any(o != t and o in t for o in terms))


@lru_cache(maxsize=1)
def _concepts_by_word() -> dict[str, list[Concept]]:
    found: dict[str, list[Concept]] = {}
    for concept in CONCEPTS:
        for word in concept.words:
            found.setdefault(normalize(word), []).append(concept)
    return found


def expand(term: str) -> Expansion:
    """*term* (normalized) with the words and kinds of every concept it is a word of."""
    concepts = _concepts_by_word().get(term, [])
    synonyms: list[str] = []
    for concept in concepts:
        for word in concept.words:
            if normalize(word) != term and word not in synonyms:
                synonyms.append(word)
    return Expansion(term, tuple(synonyms), tuple(str(c.kind) for c in concepts))
