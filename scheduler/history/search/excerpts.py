"""What a search hit shows of its texts: the matches marked, in the words as they were written.

Matching reads text as the index does (NFKC, lower case: ``（`` matches ``(``, ``ＭＯＵ``
matches ``mou``), but what is shown keeps the writer's characters, so a Chinese title keeps
its full-width brackets. Minutes and decisions are Markdown: an excerpt shows their plain
words, never ``**``, ``#`` or a link's address.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from markupsafe import Markup, escape

from scheduler.history.markdown import markdown_text
from scheduler.history.search.index import normalize
from scheduler.i18n import localized
from scheduler.sides import LANGUAGES

_SPACES = re.compile(r"\s+")


def shown_text(text: str | None) -> str:
    """*text* with runs of white space as one space, its characters as written."""
    return _SPACES.sub(" ", text or "").strip()


def _folded(shown: str) -> tuple[str, list[int]]:
    """*shown* as the index reads it, and for each of its characters the position in
    *shown* it comes from (NFKC may turn one character into several)."""
    lowered = shown.lower()
    if len(lowered) == len(shown) and unicodedata.is_normalized("NFKC", shown):
        return lowered, list(range(len(shown)))  # most texts: one character for one
    chars, origin = [], []
    for position, char in enumerate(shown):
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.append(folded)
        origin.extend([position] * len(folded))
    return "".join(chars), origin


def _as_terms(terms: str | Sequence[str]) -> list[str]:
    found = [terms] if isinstance(terms, str) else list(terms)
    return sorted((t for t in found if t), key=len, reverse=True)  # longest first


def match_spans(shown: str, terms: str | Sequence[str]) -> list[tuple[int, int]]:
    """Where in *shown* the normalized *terms* occur, as (start, end), in order."""
    wanted = _as_terms(terms)
    if not wanted or not _holds_any(shown, wanted):
        return []
    folded, origin = _folded(shown)
    pattern = "|".join(map(re.escape, wanted))
    return [
        (origin[found.start()], origin[found.end() - 1] + 1)
        for found in re.finditer(pattern, folded)
        if found.end() > found.start()
    ]


def _holds_any(text: str, terms: Sequence[str]) -> bool:
    """Whether *text* as the index reads it holds one of *terms*: a quick test that spares
    most texts the character-by-character reading."""
    normalized = normalize(text)
    return any(term in normalized for term in terms)


def _marked(shown: str, spans: Iterable[tuple[int, int]]) -> Markup:
    parts, last = [], 0
    for start, end in spans:
        if start < last:  # two terms folded into one character
            continue
        parts += [escape(shown[last:start]), Markup("<mark>"), escape(shown[start:end])]
        parts.append(Markup("</mark>"))
        last = end
    parts.append(escape(shown[last:]))
    return Markup("").join(parts)


def highlight(text: str | None, terms: str | Sequence[str]) -> Markup:
    """*text* escaped, as written, with every occurrence of *terms* (normalized search
    terms, any case or width) wrapped in ``<mark>``."""
    shown = shown_text(text)
    return _marked(shown, match_spans(shown, terms))


def _snippet_fields(meeting, lang: str, terms: Sequence[str]) -> Iterator[str]:
    """The texts a snippet may come from, the viewer's language first (titles are shown apart);
    minutes and decisions as plain text, read as Markdown only when they hold a term."""
    order = [lang] + [code for code in LANGUAGES if code != lang]
    yield from (getattr(meeting, f"agenda_{code}") or "" for code in order)
    outcome = meeting.outcome
    if outcome is not None:
        yield from (getattr(outcome, f"summary_{code}", "") or "" for code in order)
        for markdown in (outcome.minutes, outcome.decisions):
            if markdown and _holds_any(markdown, terms):
                yield markdown_text(markdown)
    yield from (getattr(meeting, f"title_{code}") or "" for code in order)


def snippet(
    meeting, terms: str | Sequence[str], lang: str, before: int = 60, after: int = 120
) -> Markup | None:
    """A short excerpt around the first match of *terms* outside the shown title, marked."""
    shown_title = normalize(localized(meeting, "title", lang))
    wanted = _as_terms(terms)
    for text in _snippet_fields(meeting, lang, wanted):
        shown = shown_text(text)
        spans = match_spans(shown, wanted)
        if not spans or normalize(shown) == shown_title:
            continue
        first_start, first_end = spans[0]
        start, end = max(0, first_start - before), min(len(shown), first_end + after)
        inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        excerpt = _marked(shown[start:end], inside)
        more = "…" if end < len(shown) else ""
        return Markup("{}{}{}").format("…" if start else "", excerpt, more)
    return None
