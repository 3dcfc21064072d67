"""Calendar answers as the programs partners use mail them (RFC 5546/6047 and each client's
documented habits), and helpers to feed them to `flask replies ingest`.

Shapes: Outlook (text/calendar; method=REPLY inside multipart/alternative, "Accepted: …"
subject, Windows zone names with their own VTIMEZONE), Gmail (an invite.ics attachment),
Apple Calendar (the calendar as the only part, quoted-printable), Thunderbird (plain text,
text/calendar and invite.ics side by side), Naver (HTML and a calendar in EUC-KR).
"""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

import pytest

SHAPES = ("outlook", "gmail", "apple", "thunderbird", "naver")
PRODIDS = {
    "outlook": "Microsoft Exchange Server 2010",
    "gmail": "-//Google Inc//Google Calendar 70.9054//EN",
    "apple": "-//Apple Inc.//macOS 14.5//EN",
    "thunderbird": "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
    "naver": "-//NAVER Corp.//NAVER Calendar 1.0//KO",
}
SUBJECT_WORDS = {"ACCEPTED": "Accepted", "TENTATIVE": "Tentative", "DECLINED": "Declined"}
OUTLOOK_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:China Standard Time\r\nBEGIN:STANDARD\r\n"
    "DTSTART:16010101T000000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar(
    method: str,
    uid: str,
    attendee: str,
    partstat: str = "ACCEPTED",
    *,
    sequence: int = 0,
    shape: str = "thunderbird",
    comment: str = "",
    recurrence_id: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    organizer: str = "foreign-affairs@cnkr-zone.example.cn",
    extra_attendees: tuple[str, ...] = (),
) -> str:
    """An iTIP calendar as text (CRLF). Outlook writes times on its Windows zone."""
    outlook = shape == "outlook"
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODIDS[shape]}", "VERSION:2.0", f"METHOD:{method}"]
    head = "\r\n".join(lines) + "\r\n" + (OUTLOOK_ZONE if outlook else "")
    event = ["BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}", "DTSTAMP:20301201T010000Z"]
    event.append(f"ORGANIZER:mailto:{organizer}")
    for address in (attendee, *extra_attendees):
        event.append(f"ATTENDEE;PARTSTAT={partstat};CN=Partner:mailto:{address}")
    for name, moment in (("RECURRENCE-ID", recurrence_id), ("DTSTART", start), ("DTEND", end)):
        if moment is not None:
            event.append(_time_line(name, moment, outlook))
    if comment:
        event.append(f"COMMENT:{_escape(comment)}")
    event.append("END:VEVENT")
    return head + "\r\n".join([*event, "END:VCALENDAR"]) + "\r\n"


def _time_line(name: str, moment: datetime, outlook: bool) -> str:
    if outlook:  # Outlook's own zone name and VTIMEZONE, China Standard Time (+08:00)
        local = moment.astimezone(UTC).timestamp() + 8 * 3600
        text = datetime.fromtimestamp(local, UTC).strftime("%Y%m%dT%H%M%S")
        return f'{name};TZID="China Standard Time":{text}'
    return f"{name}:{_stamp(moment)}"


def _base(sender: str, subject: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = "foreign-affairs@cnkr-zone.example.cn"
    message["Subject"] = subject
    message["Date"] = "Sun, 01 Dec 2030 10:00:00 +0900"
    message["Message-ID"] = make_msgid(domain="partner.example")
    return message


def mail(shape: str, sender: str, ics: str, subject: str = "", method: str = "REPLY") -> bytes:
    """The whole message from *sender* as *shape* mails it, as bytes."""
    subject = subject or f"{SUBJECT_WORDS.get(_partstat(ics), 'Reply')}: 한중 화상회의"
    message = _base(sender, subject)
    builder = {
        "outlook": _outlook,
        "gmail": _gmail,
        "apple": _apple,
        "thunderbird": _thunderbird,
        "naver": _naver,
    }[shape]
    builder(message, ics, method)
    return message.as_bytes()


def _partstat(ics: str) -> str:
    for word in SUBJECT_WORDS:
        if f"PARTSTAT={word}" in ics:
            return word
    return ""


def _calendar_part(message: EmailMessage, ics: str, method: str, cte="base64", charset="utf-8"):
    message.add_alternative(
        ics.encode(charset),
        "text",
        "calendar",
        cte=cte,
        params={"method": method, "charset": charset},
    )


def _outlook(message: EmailMessage, ics: str, method: str) -> None:
    message.set_content("Partner has accepted this meeting.", cte="base64")
    message.add_alternative("<p>Partner has accepted this meeting.</p>", subtype="html")
    _calendar_part(message, ics, method)


def _gmail(message: EmailMessage, ics: str, method: str) -> None:
    message.set_content("Invitation from Google Calendar: reply", cte="base64")
    message.add_attachment(ics.encode(), "application", "ics", filename="invite.ics", cte="base64")


def _apple(message: EmailMessage, ics: str, method: str) -> None:
    params = {"method": method, "charset": "utf-8"}
    message.set_content(ics.encode(), "text", "calendar", cte="quoted-printable", params=params)


def _thunderbird(message: EmailMessage, ics: str, method: str) -> None:
    message.set_content("Partner has accepted your event invitation.")
    _calendar_part(message, ics, method, cte="8bit")
    message.make_mixed()
    message.add_attachment(ics.encode(), "application", "ics", filename="invite.ics")


def _naver(message: EmailMessage, ics: str, method: str) -> None:
    message.set_content(
        "<p>회신</p>".encode("euc-kr"), "text", "html", params={"charset": "euc-kr"}
    )
    _calendar_part(message, ics, method, charset="euc-kr")
    message.make_mixed()


def plain_mail(sender: str, subject: str = "회의 자료") -> bytes:
    """An ordinary message without a calendar (must be left alone)."""
    message = _base(sender, subject)
    message.set_content("회의 자료를 보내 드립니다.")
    return message.as_bytes()


@pytest.fixture
def ingest(app, tmp_path):
    """``ingest(*messages)`` runs `flask replies ingest` on them; returns the output lines."""

    def run(*messages: bytes) -> list[str]:
        paths = []
        for index, raw in enumerate(messages):
            path = tmp_path / f"reply-{len(list(tmp_path.iterdir()))}-{index}.eml"
            path.write_bytes(raw)
            paths.append(str(path))
        result = app.test_cli_runner().invoke(args=["replies", "ingest", *paths])
        assert result.exit_code == 0, result.output
        return [line.split(": ", 1)[1] for line in result.output.splitlines()]

    return run
