"""MIME messages, one recipient each (pure: values in, an EmailMessage out).

Layout (ical-interop.md §2): multipart/mixed{ multipart/alternative{ text/plain, text/html,
text/calendar; method=…; charset=UTF-8 }, application/ics attachment }, base64 parts,
serialized with email.policy.SMTP so CRLF survives.
"""

import base64
import re
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid

from scheduler.db import now_utc
from scheduler.sides import LANGUAGE_TAGS
from scheduler.text import without_controls

MESSAGE_ID_DOMAIN = "cnkr-exchange-scheduler"
ADDRESS_HEADERS = ("from", "to", "reply-to", "cc")
# A display name written as it is: words of letters, digits and a few marks, short enough
# never to be folded. Anything else (a comma, <, @, quotes, non-ASCII) is encoded.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9.'\-]+( [A-Za-z0-9.'\-]+)*")
_PLAIN_NAME_MAX = 40
_LINE = 78  # the folded header lines we write stay within this (RFC 5322 "should")
# 42 bytes are 56 base64 characters: an encoded word of 68, within RFC 2047's 75, and a first
# line "Reply-To: =?utf-8?b?…?=" of 78.
_WORD_BYTES = 42


class _MailPolicy(EmailPolicy):
    """The SMTP policy, except that address headers are stored as `address_header()` built
    them, already encoded and folded. The standard library's own folding can split a long
    quoted display name such as "Kim, Min-su, …" and leave its parts as extra recipients."""

    def header_store_parse(self, name, value):
        if name.lower() in ADDRESS_HEADERS and isinstance(value, str):
            return (name, value)
        if name.lower() == "subject" and type(value) is str:  # not a parsed header object
            return (name, subject_header(value))
        return super().header_store_parse(name, value)


POLICY = _MailPolicy(linesep="\r\n")  # what email.policy.SMTP is


def address_header(field: str, email: str, name: str = "") -> str:
    """The value of the *field* header (From, To, …) for one mailbox, folded to CRLF lines.

    The display name is written plain only when it is a few plain words; otherwise it is one
    or more RFC 2047 encoded words, which cannot hold a comma, quote, < or @ that a reader
    would take as syntax. Raises ValueError for an unusable address.
    """
    address = _addr_spec(email)
    display = " ".join(without_controls(name or "").split())
    if not display:
        return address
    if len(display) <= _PLAIN_NAME_MAX and _PLAIN_NAME.fullmatch(display):
        phrase = display
    else:
        phrase = "\r\n ".join(_encoded_words(display))
    last_line = phrase.rsplit("\r\n", 1)[-1]
    separator = " " if len(field) + len(last_line) + len(address) + 5 <= _LINE else "\r\n "
    return f"{phrase}{separator}<{address}>"


def subject_header(text: str) -> str:
    """The value of a Subject header for *text*, folded to CRLF lines.

    The standard library folds a long non-ASCII subject into encoded words with the spaces
    between them, where RFC 2047 says they vanish: strict clients then show "(수)오전" for
    "(수) 오전". So a subject that is not short plain ASCII is written as encoded words of
    whole characters that hold every space themselves; decoded, it is exactly *text* (its
    runs of whitespace made single spaces, control characters dropped).
    """
    subject = " ".join(without_controls(text or "").split())
    if subject.isascii() and "=?" not in subject and len(subject) <= _LINE - len("Subject: "):
        return subject
    return "\r\n ".join(_encoded_words(subject))


def _encoded_words(text: str) -> list[str]:
    """*text* as RFC 2047 base64 encoded words of whole characters, one to a folded line."""
    chunks, current = [], b""
    for char in text:
        encoded = char.encode("utf-8")
        if current and len(current) + len(encoded) > _WORD_BYTES:
            chunks.append(current)
            current = b""
        current += encoded
    chunks.append(current)
    return [f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?=" for chunk in chunks]


def _addr_spec(email: str) -> str:
    email = email.strip()
    username, _at, domain = email.partition("@")
    if not username or not domain or any(c in email for c in '\r\n<>,;"() \t'):
        raise ValueError(f"unusable e-mail address: {email!r}")
    email.encode("ascii")  # raises UnicodeEncodeError, a ValueError, for a non-ASCII address
    return email


def build_message(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    language: str,
    subject: str,
    text: str,
    html: str,
    reply_to: str | None = None,
    calendar: bytes | None = None,
    method: str | None = None,
) -> EmailMessage:
    """One message in *language* (zh, ko or en, said in Content-Language); with *calendar*
    (iCalendar bytes) and *method* it becomes an invite."""
    message = EmailMessage(policy=POLICY)
    message["From"] = address_header("From", *sender)
    message["To"] = address_header("To", *to)
    if reply_to:
        message["Reply-To"] = address_header("Reply-To", reply_to)
    message["Subject"] = subject  # encoded by the policy (subject_header)
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = make_msgid(domain=MESSAGE_ID_DOMAIN)
    message.set_content(text, cte="base64")
    message.add_alternative(html, subtype="html", cte="base64")
    if calendar is not None:
        _attach_calendar(message, calendar, method or "PUBLISH")
    # Last: setting the content drops every Content-* header set before it.
    message["Content-Language"] = LANGUAGE_TAGS[language]
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
