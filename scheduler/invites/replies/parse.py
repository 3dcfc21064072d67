"""Reading a mailed calendar message (pure: bytes in, values out).

Calendar programs answer in different shapes (RFC 6047 allows them all): Outlook puts
``text/calendar; method=REPLY`` inside multipart/alternative, Gmail and Thunderbird add an
``invite.ics`` attachment, Apple Calendar may send the calendar as the only part, others use
quoted-printable or a legacy charset. The first calendar found is read; a message forwarded
as an attachment (a bounce of our own invite, say) is not looked into. A message without a
calendar, or whose calendar has no METHOD, is not iTIP and is left alone.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

from icalendar import Calendar

CALENDAR_TYPES = ("text/calendar", "application/ics")
ANSWERS = {"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined"}


class MalformedCalendar(ValueError):
    """A calendar part that cannot be read as an iTIP message; the text says why."""


@dataclass(frozen=True)
class Itip:
    """What one iTIP message says (its first VEVENT)."""

    method: str
    uid: str
    sequence: int
    attendees: tuple[tuple[str, str], ...]  # (address, PARTSTAT), lower-case address
    recurrence_id: datetime | None = None
    comment: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Incoming:
    """One mail message: who sent it, how it is known, and its calendar (text or None)."""

    message_id: str
    digest: str
    sender: str
    subject: str
    calendar: str | None


def read_message(raw: bytes) -> Incoming:
    """The parts of *raw* that matter: Message-ID, digest, From address, subject, calendar."""
    message = message_from_bytes(raw, policy=policy.default)
    senders = getaddresses([str(message.get("From", ""))])
    sender = senders[0][1].strip().lower() if senders else ""
    return Incoming(
        message_id=str(message.get("Message-ID", "")).strip()[:255],
        digest=hashlib.sha256(raw).hexdigest(),
        sender=sender,
        subject=" ".join(str(message.get("Subject", "")).split())[:500],
        calendar=_calendar_text(message),
    )


def _leaves(part: EmailMessage):
    """The leaf parts, depth first; never inside an attached message (message/rfc822)."""
    if part.is_multipart():
        if part.get_content_type() == "message/rfc822":
            return
        for child in part.iter_parts():
            yield from _leaves(child)
    elif part.get_content_maintype() != "message":
        yield part


def _is_calendar(part: EmailMessage) -> bool:
    name = (part.get_filename() or "").lower()
    return part.get_content_type() in CALENDAR_TYPES or name.endswith(".ics")


def _calendar_text(message: EmailMessage) -> str | None:
    """The first calendar part as text (text/calendar before an attachment), else None."""
    parts = [part for part in _leaves(message) if _is_calendar(part)]
    parts.sort(key=lambda part: part.get_content_type() != "text/calendar")
    if not parts:
        return None
    payload = parts[0].get_payload(decode=True) or b""
    charset = parts[0].get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return payload.decode("utf-8", errors="replace")


def read_itip(text: str) -> Itip | None:
    """The iTIP message in *text*; None when it carries no METHOD (a plain calendar file).

    Raises MalformedCalendar when the text is not a calendar, has no VEVENT with a UID, or
    gives times that cannot be placed (a floating or all-day time where one is needed).
    """
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise MalformedCalendar(f"not an iCalendar object: {error}") from error
    method = str(calendar.get("METHOD", "")).strip().upper()
    if not method:
        return None
    events = calendar.walk("VEVENT")
    if not events or not str(events[0].get("UID", "")).strip():
        raise MalformedCalendar("no VEVENT with a UID")
    return _itip(method, events[0])


def _itip(method: str, event) -> Itip:
    try:
        sequence = int(event.get("SEQUENCE", 0))
        start, end = _instant(event, "DTSTART"), _instant(event, "DTEND")
        recurrence_id = _instant(event, "RECURRENCE-ID")
        if start is not None and end is None and "DURATION" in event:
            end = start + event.decoded("DURATION")
    except (TypeError, ValueError, KeyError) as error:
        raise MalformedCalendar(f"unreadable property: {error}") from error
    return Itip(
        method=method,
        uid=str(event["UID"]).strip(),
        sequence=max(sequence, 0),
        attendees=_attendees(event),
        recurrence_id=recurrence_id,
        comment=_comment(event),
        start=start,
        end=end,
    )


def _instant(event, name: str) -> datetime | None:
    """A date-time property as an aware UTC datetime (None when absent)."""
    if name not in event:
        return None
    value = event.decoded(name)
    if isinstance(value, timedelta) or not isinstance(value, datetime | date):
        raise ValueError(f"{name} is not a date-time")
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return value.astimezone(UTC)


def _attendees(event) -> tuple[tuple[str, str], ...]:
    values = event.get("ATTENDEE", [])
    values = values if isinstance(values, list) else [values]
    result = []
    for value in values:
        address = str(value).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:") :]
        partstat = str(getattr(value, "params", {}).get("PARTSTAT", "")).upper()
        result.append((address.strip().lower(), partstat))
    return tuple(result)


def _comment(event) -> str:
    values = event.get("COMMENT", [])
    values = values if isinstance(values, list) else [values]
    return "\n".join(str(value).strip() for value in values if str(value).strip())[:2000]
