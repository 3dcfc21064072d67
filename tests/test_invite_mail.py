"""The invite e-mail itself: MIME layout, headers, bodies in the reader's language, RSVP links."""

import re

import pytest
import sqlalchemy as sa

from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from tests.conftest import count
from tests.invites_support import change, confirm_for_two_readers, decoded_header

pytestmark = pytest.mark.usefixtures("smtp_app")
VIDEO = {"platform": "Zoom", "join_url": "https://zoom.us/j/81244710093",
         "meeting_code": "812 4471 0093", "passcode": "5521"}  # fmt: skip


@pytest.fixture
def confirmed(make_meeting, make_contact, make_user, db, client):
    """A confirmed video link: a Korean contact and a Chinese staff member are invited."""
    meeting, contact, staff = confirm_for_two_readers(
        make_meeting, make_contact, make_user, db, client, **VIDEO
    )
    return meeting, contact, staff, meeting.organizer


def test_mime_layout_and_headers(confirmed, mail):
    meeting, contact, _staff, organizer = confirmed
    [invite] = mail()[contact.email]
    message = invite.message
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain", "text/html", "text/calendar",
    ]  # fmt: skip
    calendar = invite.part("text/calendar")
    assert calendar.get_param("method") == "REQUEST" == invite.method
    assert calendar.get_param("charset").lower() == "utf-8"
    assert calendar["Content-Transfer-Encoding"] == "base64"
    assert b"\r\n" in calendar.get_payload(decode=True)
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == invite.ics
    assert message["To"].addresses[0].addr_spec == contact.email
    assert len(message["To"].addresses) == 1 and message["Cc"] is None
    assert message["From"].addresses[0].addr_spec == "foreign-affairs@cnkr-zone.example.cn"
    # The staff member's name with the office's, as a strict RFC 2047 reader decodes it.
    sender = "왕팡 · 중한(창춘)국제협력시범구 외사판공실 <foreign-affairs@cnkr-zone.example.cn>"
    assert decoded_header(invite.raw, "From") == sender
    assert message["Reply-To"] == organizer.email
    assert message["Message-ID"] and message["Date"]
    subject_line = next(line for line in invite.raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject_line.lower()  # RFC 2047: the subject is not raw UTF-8
    # The words come from the catalog; the title and both clocks come from the meeting.
    assert "한중 화상회의" in message["Subject"]
    assert "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in message["Subject"]
    assert invite.event["ATTENDEE"] == f"mailto:{contact.email}"
    assert count(OutboxMessage, OutboxMessage.meeting_id == meeting.id) == 2


def test_bodies_show_both_clocks_the_link_and_answers(confirmed, mail, app):
    _meeting, contact, staff, _organizer = confirmed
    received = mail()
    [korean], [chinese] = received[contact.email], received[staff.email]
    text, html = korean.text(), korean.text("text/html")
    clocks = "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"
    assert clocks in text and clocks in html
    assert "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）" in chinese.text()
    for body in (text, html):
        for value in ("https://zoom.us/j/81244710093", "812 4471 0093", "5521", "한중 화상회의"):
            assert value in body
    assert '<a href="https://zoom.us/j/81244710093">' in html
    assert "<script" not in html.lower() and '<html lang="ko">' in html
    links = re.findall(r'href="([^"]+/rsvp/[^"]+)"', html)
    assert len(links) == 3
    for link in links:
        assert link.startswith(app.config["BASE_URL"].rstrip("/") + "/rsvp/")
        assert link in text
    assert links == _answer_links(app, contact)


def _answer_links(app, contact) -> list[str]:
    """The links the RSVP module makes for this contact: accept, maybe, decline."""
    from scheduler.extensions import db
    from scheduler.invites.rsvp.services import rsvp_url

    with app.app_context():
        participant = db.session.scalar(
            sa.select(Participant).where(Participant.contact_id == contact.id)
        )
        return [rsvp_url(participant, answer) for answer in ("accepted", "tentative", "declined")]


def test_a_cancel_has_no_answer_buttons(confirmed, mail, client):
    meeting, contact, _staff, _organizer = confirmed
    mail()
    change(client.application, Meeting, meeting.id, lambda m: services.cancel(m, "台风"))
    [invite] = mail()[contact.email]
    assert invite.method == "CANCEL"
    assert "/rsvp/" not in invite.text("text/html") and "/rsvp/" not in invite.text()
    assert "台风" in invite.text()


def test_names_and_addresses_cannot_alter_headers(confirmed, mail, client):
    meeting, contact, _staff, _organizer = confirmed
    mail()

    def add_guests(m):
        services.add_participant(
            m, guest_email="kim@example.org", guest_name='Kim "Boss", CEO\r\nBcc: spy@example.org'
        )
        services.add_participant(m, guest_email="lee@example.org\r\nBcc: spy@example.org")

    change(client.application, Meeting, meeting.id, add_guests)
    received = mail()
    assert sorted(received) == ["kim@example.org"]  # the broken address is skipped
    [invite] = received["kim@example.org"]
    assert invite.message["Bcc"] is None
    [to] = invite.message["To"].addresses
    assert (to.addr_spec, to.display_name) == (
        "kim@example.org",
        'Kim "Boss", CEO Bcc: spy@example.org',  # encoded, so the quotes stay as typed
    )
    headers = invite.raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^Bcc:", headers, re.MULTILINE | re.IGNORECASE)
    assert count(OutboxMessage, OutboxMessage.meeting_id == meeting.id) == 3
