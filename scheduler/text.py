"""Control characters: the one check every form field and import cell goes through.

C0 controls (U+0000–U+001F), DEL and the C1 controls (U+0080–U+009F) have no place in a name,
a title or a link: a bare CR breaks iCalendar and mail headers, NUL cannot be stored in
PostgreSQL, and XML (SVG charts, XLSX) refuses most of them. A field that allows several lines
(a text area, a notes cell) keeps tab and line feed; a browser's CR LF becomes LF first.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_newlines(text):
    """*text* with CR LF pairs (what a browser sends from a text area) as LF; others as given."""
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


def first_control(text: str, multiline: bool = False) -> str | None:
    """The first control character in *text* (tab and LF allowed when *multiline*), or None."""
    match = (_MULTI_LINE if multiline else _SINGLE_LINE).search(text or "")
    return match.group() if match else None


def control_problem(text: str, field, multiline: bool = False) -> LazyString | None:
    """The translated reason *text* is refused, naming *field* and the character; else None."""
    char = first_control(text, multiline)
    if char is None:
        return None
    return _l(
        "“%(field)s” contains an invisible control character (%(char)s). Remove it and try again.",
        field=field,
        char=f"U+{ord(char):04X}",
    )


def without_controls(text: str, multiline: bool = False) -> str:
    """*text* with every control character replaced by a space: for output only, where data
    stored before the check (or by other means) must not break a format."""
    if not text:
        return text
    if multiline:  # a bare CR is a line break to whoever typed it
        return _MULTI_LINE.sub(" ", normalize_newlines(text).replace("\r", "\n"))
    return _SINGLE_LINE.sub(" ", text)
