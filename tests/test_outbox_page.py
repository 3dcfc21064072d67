"""The staff outbox page: lists by status in the viewer's zone, resends failed mail, 403s."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from scheduler.extensions import db
from scheduler.invites.outbox.delivery import enqueue

QUEUED_AT = datetime(2030, 5, 1, 1, 0, tzinfo=UTC)  # 09:00 in Changchun, 10:00 in Seoul


def _queue(status: str, to: str, attempts: int = 0, error: str = ""):
    message = EmailMessage()
    message["From"] = "office@example.cn"
    message["To"] = to
    message["Subject"] = f"초대 {to}"
    message["Message-ID"] = make_msgid(domain="example.cn")
    message.set_content("…")
    row = enqueue(message)
    row.status, row.attempts, row.last_error, row.created_at = status, attempts, error, QUEUED_AT
    if status == "sent":
        row.sent_at = QUEUED_AT
    db.session.commit()
    return row


@pytest.fixture
def three(db):
    rows = (("pending", 0, ""), ("sent", 1, ""), ("failed", 5, "550 'mailbox unavailable'"))
    return {status: _queue(status, f"{status}@example.kr", n, error) for status, n, error in rows}


def test_lists_every_status_with_times_on_the_viewers_clock(client, auth, three):
    auth.login("coordinator", locale="en", timezone="Asia/Seoul")
    page = client.get("/outbox/").get_data(as_text=True)
    for status, row in three.items():
        assert f'<tr id="message-{row.id}" data-status="{status}">' in page
    # Queued at 01:00 UTC (all three) and sent then (one): four times on the Seoul clock.
    assert page.count("Wed, May 1 10:00 AM Seoul time") == 4
    assert "550 &#39;mailbox unavailable&#39;" in page
    assert 'href="/outbox/?status=failed"' in page and "Failed (1)" in page


def test_filters_by_status_and_ignores_unknown_filters(client, auth, three):
    auth.login("admin", locale="en")
    page = client.get("/outbox/?status=failed").get_data(as_text=True)
    assert 'data-status="failed"' in page and 'data-status="sent"' not in page
    page = client.get("/outbox/?status=bogus").get_data(as_text=True)
    assert page.count('<tr id="message-') == 3


def test_pages_hold_fifty_messages(client, auth):
    for n in range(51):
        _queue("sent", f"p{n}@example.kr")
    auth.login("coordinator", locale="en")
    first = client.get("/outbox/?status=sent").get_data(as_text=True)
    second = client.get("/outbox/?status=sent&page=2").get_data(as_text=True)
    assert (first.count('<tr id="message-'), second.count('<tr id="message-')) == (50, 1)
    assert 'href="/outbox/?page=2&amp;status=sent"' in first


def test_resend_puts_a_failed_message_back_in_the_queue(client, auth, three):
    auth.login("coordinator", locale="en")
    failed = three["failed"]
    response = client.post(f"/outbox/{failed.id}/resend?status=failed")
    assert (response.status_code, response.headers["Location"]) == (302, "/outbox/?status=failed")
    assert (failed.status, failed.attempts) == ("pending", 0)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "The message to failed@example.kr will be sent again." in page


def test_resend_refuses_other_messages(client, auth, three):
    auth.login("coordinator", locale="en")
    response = client.post(f"/outbox/{three['sent'].id}/resend")
    assert response.status_code == 409
    assert "Only a failed message can be sent again." in response.get_data(as_text=True)
    assert (three["sent"].status, three["sent"].attempts) == ("sent", 1)
    assert client.post("/outbox/999999/resend").status_code == 404


def test_viewers_may_not_see_or_resend(client, auth, three):
    auth.login("viewer", locale="en")
    assert client.get("/outbox/").status_code == 403
    assert client.post(f"/outbox/{three['failed'].id}/resend").status_code == 403
    assert three["failed"].status == "failed"
    assert 'href="/outbox/"' not in client.get("/meetings/").get_data(as_text=True)


def test_coordinators_find_it_in_the_navbar(client, auth):
    auth.login("coordinator", locale="en")
    assert 'href="/outbox/">Outgoing mail</a>' in client.get("/meetings/").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get("/outbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
