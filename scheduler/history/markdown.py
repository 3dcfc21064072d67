"""Minutes and decisions written in Markdown, rendered so that nothing in them can act.

Raw HTML is escaped, links lead only to http, https and mailto addresses (anything else stays
plain text), every link is marked ``rel="noopener noreferrer nofollow"``, and images never
load: they are shown as their description. Nothing here ever emits a script.
"""

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

LINK_REL = "noopener noreferrer nofollow"
# Checked on the normalized (entity-decoded, percent-encoded) address that markdown-it builds,
# so tricks such as "jav&#x61;script:" or "java\tscript:" are judged as what they become.
_ALLOWED_LINK = re.compile(r"^(?:https?://[^/?#\s]|mailto:[^\s])", re.IGNORECASE)


def is_allowed_link(url: str) -> bool:
    """True for an absolute http(s) address or a mailto: address; False for anything else."""
    return bool(_ALLOWED_LINK.match(url or ""))


class _SafeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it's own name
        # A refused address leaves the link (or reference definition) as plain text.
        return is_allowed_link(url)


def _as_text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _inert_inline(children: list[Token]) -> Iterator[Token]:
    """The inline tokens with images turned into their description and unsafe links unwrapped."""
    kept_links: list[bool] = []
    for token in children:
        if token.type == "image":
            yield _as_text(token.content)
        elif token.type == "link_open":
            kept_links.append(is_allowed_link(token.attrGet("href") or ""))
            if kept_links[-1]:
                token.attrSet("rel", LINK_REL)
                yield token
        elif token.type == "link_close":
            if kept_links and kept_links.pop():
                yield token
        else:
            yield token


def _make_inert(state: StateCore) -> None:
    """Core rule: the second line of defence after validateLink, applied to every token."""
    for block in state.tokens:
        if block.children:
            block.children = list(_inert_inline(block.children))


def _build() -> MarkdownIt:
    md = _SafeMarkdown("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("inert_links_and_images", _make_inert)
    return md


_MARKDOWN = _build()


def render_markdown(text: str | None) -> Markup:
    """*text* (Markdown) as safe HTML: no raw HTML, no script, no loaded images, safe links."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_MARKDOWN.render(text))  # noqa: S704 - built from escaped tokens only


def _block_text(token: Token) -> str:
    """The words of one block token: its inline text, a code block's lines, or an ordered
    list item's number (kept: "1. …" reads as the writer wrote it)."""
    if token.type == "inline":
        return "".join(_inline_text(child) for child in token.children or [])
    if token.type in ("fence", "code_block"):
        return token.content
    if token.type == "list_item_open" and token.info:
        return f"{token.info}{token.markup} "
    return ""


def _inline_text(token: Token) -> str:
    if token.type in ("text", "code_inline", "image"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    return ""  # the marks of emphasis, links and the like


def markdown_text(text: str | None) -> str:
    """*text* (Markdown) as the plain words a reader sees, without ``**``, ``#`` or link
    addresses; blocks are separated by line breaks. The words and their punctuation are
    kept as written."""
    if not text or not text.strip():
        return ""
    parts = []
    for token in _MARKDOWN.parse(text):
        part = _block_text(token)
        parts.append(part)
        if token.type.endswith("_close") or token.type in ("fence", "code_block", "hr"):
            parts.append("\n")
    return "".join(parts).strip()
