"""A suggestion of the slot finder carried in a link: ``20301210T0630Z~20301210T0800Z~12``
(start and end in UTC, the finder's score). "Ask the partner which suits them" carries the
ticked suggestions this way to the new meeting and on to the poll form; a pick that cannot
be read is simply left out (the link is only a prefill, everything is checked on saving)."""

from datetime import UTC, datetime
from typing import NamedTuple

_FORMAT = "%Y%m%dT%H%MZ"


class Pick(NamedTuple):
    """A suggested time and its score (lower is better)."""

    start: datetime
    end: datetime
    score: int


def encode_pick(start: datetime, end: datetime, score: int) -> str:
    """The text a link carries for one suggestion."""
    return f"{start.astimezone(UTC):{_FORMAT}}~{end.astimezone(UTC):{_FORMAT}}~{score}"


def decode_pick(text: str) -> Pick | None:
    """The suggestion *text* names; None when it is not one (tampered, cut short)."""
    parts = (text or "").split("~")
    if len(parts) != 3:
        return None
    try:
        start, end = (datetime.strptime(p, _FORMAT).replace(tzinfo=UTC) for p in parts[:2])
        score = int(parts[2])
    except ValueError:
        return None
    return Pick(start, end, score) if end > start else None


def decode_picks(texts) -> list[Pick]:
    """The readable suggestions among *texts*, each once, in time order."""
    found = {pick.start: pick for pick in map(decode_pick, texts) if pick is not None}
    return sorted(found.values())
