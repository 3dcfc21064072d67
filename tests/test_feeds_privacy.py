"""Join details (join link, meeting ID, passcode) reach only the people who take part: the
participant feeds (a contact's, a staff user's) and invites; never a partner-wide or office
feed, whose links end up in shared calendars. Checked on the bytes, DESCRIPTION unfolded."""

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.feeds.cache import memory
from scheduler.feeds.cache.render import Variant
from scheduler.feeds.models import Feed
from scheduler.invites.ical import InviteParty, attendee_address, invite_event, organizer_address
from scheduler.meetings.models import Participant
from tests.feeds_support import _fresh_feed_state, events, new_feed  # noqa: F401

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
URL, CODE, PASSCODE = "https://zoom.us/j/81244710093?pwd=Zm9vYmFy", "812 4471 0093", "552194"
SECRETS = (URL.encode(), CODE.encode(), PASSCODE.encode(), b"zoom.us/j")
# The label lines that introduce them, in every catalog language.
LABELS = ("Join link", "Meeting ID", "Passcode", "참가 링크", "회의 ID", "회의 암호",
          "入会链接", "会议号", "会议密码")  # fmt: skip
PUBLIC = (("--partner", "seoul"), ("--office",))


def _video(days: float = 3, **more) -> dict:
    start = NOW + timedelta(days=days)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1), "status": "confirmed",
            "platform": "Zoom", "join_url": URL, "meeting_code": CODE, "passcode": PASSCODE,
            **more}  # fmt: skip


def unfolded_lines(body: bytes) -> list[bytes]:
    """The content lines of an iCalendar body with folding undone (CRLF + space or tab)."""
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n")


def descriptions(body: bytes) -> list[bytes]:
    """Every DESCRIPTION property line, unfolded, as raw bytes (escapes kept)."""
    return [line for line in unfolded_lines(body) if line.startswith(b"DESCRIPTION")]


def _absent(description: bytes, where) -> None:
    for secret in SECRETS:
        assert secret not in description, (where, secret)
    for label in LABELS:
        assert label.encode() not in description, (where, label)


def _present(description: bytes, where) -> None:
    for secret in (URL, CODE, PASSCODE):
        assert secret.encode() in description, (where, secret)


@pytest.fixture
def video_meeting(db, make_meeting, make_contact, make_user):
    """A video meeting of Seoul with a contact and a staff member taking part."""
    staff = make_user("coordinator", locale="zh")
    contact = make_contact(email="kim.privacy@seoul.example.kr")
    meeting = make_meeting(**_video(), organizer=staff)
    db.session.add(Participant(meeting=meeting, contact=contact))
    db.session.commit()
    return meeting, contact, staff


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_partner_and_office_feeds_carry_no_join_details(app, client, video_meeting, lang):
    for args in PUBLIC:
        body = client.get(new_feed(app, *args) + f"?lang={lang}").data
        (description,) = descriptions(body)
        _absent(description, args)
        assert b"Zoom" in description  # the platform still says how the meeting is held
        for secret in SECRETS:
            assert secret not in body, (args, secret)  # nor in URL or LOCATION
        (event,) = events(body)
        assert "URL" not in event and str(event["LOCATION"]) == "Zoom"


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_participant_feeds_carry_them_as_before(app, client, video_meeting, lang):
    _meeting, contact, staff = video_meeting
    for args in (("--contact", contact.email), ("--user", staff.email)):
        body = client.get(new_feed(app, *args) + f"?lang={lang}").data
        (description,) = descriptions(body)
        _present(description, args)
        (event,) = events(body)
        assert str(event["URL"]) == URL and str(event["LOCATION"]) == URL
        text = str(event["DESCRIPTION"])  # the Chinese and Korean blocks are always there
        for line in (f"入会链接：{URL}", f"会议号：{CODE}", f"회의 암호: {PASSCODE}"):
            assert line in text, (args, line)
        assert (f"Passcode: {PASSCODE}" in text) == (lang == "en")


def test_invites_carry_them_as_before(app, video_meeting):
    meeting, contact, _staff = video_meeting
    with app.test_request_context():
        party = InviteParty(
            "ko", "Asia/Seoul", organizer_address("office@example.cn", "Office"),
            attendee_address(contact.email, "김민수"), datetime(2030, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        body = invite_event(meeting, party, "REQUEST").to_ical()
    (description,) = descriptions(body)
    _present(description, "invite")
    for label in ("참가 링크", "회의 ID", "회의 암호", "入会链接", "会议号", "会议密码"):
        assert label.encode() in description, label


def test_the_variant_key_tells_participants_from_the_public(app):
    keys = {scope: Variant(Feed(scope=scope), "ko", "Asia/Seoul").key for scope in
            ("partner", "office", "contact", "user")}  # fmt: skip
    assert keys["partner"] == keys["office"] != keys["contact"] == keys["user"]


@pytest.mark.parametrize("forget_memory", [False, True])
@pytest.mark.parametrize("participant_first", [True, False])
def test_cached_blocks_never_cross_between_participants_and_the_public(
    app, client, video_meeting, participant_first, forget_memory
):
    """Same meeting, language and zone (Korean, Seoul): whichever feed renders and caches its
    block first (in this process and in the shared table), the other gets its own; with
    *forget_memory* only the shared block table is left between the fetches."""
    _meeting, contact, _staff = video_meeting
    private = [new_feed(app, "--contact", contact.email)]
    public = [new_feed(app, *args) for args in PUBLIC]
    for path in private + public if participant_first else public + private:
        if forget_memory:
            memory.clear()
        (description,) = descriptions(client.get(path + "?lang=ko").data)
        (_present if path in private else _absent)(description, path)
