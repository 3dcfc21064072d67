"""MIME messages, one recipient each (pure: values in, an EmailMessage out).

Layout (ical-interop.md §2): multipart/mixed{ multipart/alternative{ text/plain, text/html,
text/calendar; method=…; charset=UTF-8 }, application/ics attachment }, base64 parts,
serialized with email.policy.SMTP so CRLF survives.
"""

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from scheduler.db import now_utc

MESSAGE_ID_DOMAIN = "cnkr-exchange-scheduler"


def _address(email: str, name: str = "") -> Address:
    """A header-safe address: a display name cannot add headers or recipients."""
    display = " ".join((name or "").replace('"', "'").split())
    username, _at, domain = email.strip().partition("@")
    if not username or not domain or any(c in email for c in '\r\n<>,;"'):
        raise ValueError(f"unusable e-mail address: {email!r}")
    return Address(display_name=display, username=username, domain=domain)


def build_message(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    text: str,
    html: str,
    reply_to: str | None = None,
    calendar: bytes | None = None,
    method: str | None = None,
) -> EmailMessage:
    """One message; with *calendar* (iCalendar bytes) and *method* it becomes an invite."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(*sender)
    message["To"] = _address(*to)
    if reply_to:
        message["Reply-To"] = _address(reply_to)
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = make_msgid(domain=MESSAGE_ID_DOMAIN)
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    if calendar is not None:
        _attach_calendar(message, calendar, method or "PUBLISH")
    return message


def _attach_calendar(message: EmailMessage, calendar: bytes, method: str) -> None:
    """The calendar as the third alternative (what clients act on) and as an .ics attachment."""
    message.add_alternative(
        calendar,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method, "charset": "UTF-8"},
    )
    message.make_mixed()
    message.add_attachment(
        calendar, maintype="application", subtype="ics", filename="invite.ics", cte="base64"
    )
