"""Display names in From, To and Reply-To are encoded: a name holding a comma, <, @, quotes or
any script can never add a recipient or change an address, even when the header is folded.
Each mail goes the real way (meeting → outbox → SMTP) and its bytes are parsed again."""

import email
import email.policy

import pytest

from scheduler.invites.mail import address_header
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.invites_support import change

pytestmark = pytest.mark.usefixtures("smtp_app")
OFFICE = "foreign-affairs@cnkr-zone.example.cn"

HOSTILE = [
    "Kim, Min-su",
    "Evil <evil@attacker.example>",
    "x@attacker.example, y@attacker.example",
    'Q "quoted", name',
    "a\\b (comment); group: z",
    "=?utf-8?q?evil=40attacker.example?=",
    "Park, 서준 <x@y.example>",
    # Long enough to fold; a contact's family name column holds 50 characters, a user's 100:
    "김민수, " * 6 + "<e@a.example>",  # non-ASCII
    "金敏洙、" * 9 + "<e@a.example>",
    "Long Name, With Commas, <evil@attacker.example>",  # ASCII that needs quotes
    "Long Name, With Commas, <evil@attacker.example>, more, <spy@attacker.example>, x@y.example",
]


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _mailboxes(message, header: str) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in message[header].addresses]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_of_sender_and_recipient_stay_one_mailbox_each(
    name, make_meeting, make_contact, make_user, db, client, mail
):
    organizer = make_user("coordinator", name_ko=name, locale="ko")
    meeting = make_meeting(organizer=organizer)
    contact = make_contact(family_name_ko=name[:50], given_name_ko="", language="ko")
    services.add_participant(meeting, contact=contact)
    db.session.commit()
    change(client.application, Meeting, meeting.id, services.confirm)
    [invite] = mail()[contact.email]
    headers = invite.raw.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in headers.split(b"\r\n")) <= 78
    message = _parsed(invite.raw)
    [(to_name, to_address)] = _mailboxes(message, "To")
    [(from_name, from_address)] = _mailboxes(message, "From")
    assert (to_address, from_address) == (contact.email, OFFICE)
    assert _mailboxes(message, "Reply-To") == [("", organizer.email)]
    assert message["Cc"] is None
    # Python's parser keeps the fold between two encoded words as a space (RFC 2047 says to
    # drop it), so a folded name is compared without white space.
    # From is the organizer with the office (``왕팡 · …외사판공실``), the name kept whole.
    sender = f"{name} · 중한(창춘)국제협력시범구 외사판공실"
    assert (_squeezed(to_name), _squeezed(from_name)) == (_squeezed(name[:50]), _squeezed(sender))


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("Plain Name", "To: Plain Name <to@example.kr>"),
        ("Kim, Min-su", "To: =?utf-8?b?S2ltLCBNaW4tc3U=?= <to@example.kr>"),
        ("김민수", "To: =?utf-8?b?6rmA66+87IiY?= <to@example.kr>"),
        (" Lee\r\n\tJi-eun\x00 ", "To: Lee Ji-eun <to@example.kr>"),
        ("", "To: to@example.kr"),
    ],
)
def test_short_names_are_written_whole(name, header):
    value = address_header("To", "to@example.kr", name)
    assert f"To: {value}" == header
    [mailbox] = _parsed(f"{header}\r\n\r\n".encode()).get("To").addresses
    expected = " ".join(name.replace("\x00", " ").split())
    assert (mailbox.display_name, mailbox.addr_spec) == (expected, "to@example.kr")


@pytest.mark.parametrize("address", ["a@b.example, c@d.example", "x <y@z.example>", "a\r\n@b", ""])
def test_an_unusable_address_is_refused(address):
    with pytest.raises(ValueError, match="unusable e-mail address"):
        address_header("To", address, "Name")
