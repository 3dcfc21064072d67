"""Webhooks (issue 17.5): endpoints registered by administrators, deliveries written with the
change, POSTed to a real receiver on 127.0.0.1, signed, retried after back-off, refused for
private addresses unless allowed, and listed on the admin page."""

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from scheduler.api.webhooks.models import WebhookDelivery, WebhookEndpoint
from scheduler.db import now_utc
from scheduler.invites.rsvp.services import RSVPClaim, record_answer
from scheduler.meetings.models import Meeting
from scheduler.meetings.services import add_participant, cancel, confirm
from tests.invites_support import in_request
from tests.polls_support import propose, the_poll
from tests.visits_support import newest, visit_form

ALL_EVENTS = [
    "meeting.confirmed",
    "meeting.cancelled",
    "meeting.changed",
    "visit.changed",
    "rsvp.answered",
    "poll.closed",
]


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers the statuses
    queued in `answers` (200 once they run out)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks?from=scheduler"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def _secret_from(html: str) -> str:
    return re.search(r'id="webhook-secret" type="text" readonly value="(whsec_[^"]+)"', html)[1]


@pytest.fixture
def endpoint(auth, client, db, receiver):
    """An endpoint registered through the admin page: (row, its secret shown once)."""

    def make(events=ALL_EVENTS, url=None):
        auth.login("admin")
        response = client.post(
            "/admin/webhooks/new", data={"url": url or receiver.url, "events": events}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        secret = _secret_from(response.get_data(as_text=True))
        return newest(db, WebhookEndpoint), secret

    return make


def deliver(app) -> str:
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def deliveries(db, *where) -> list[WebhookDelivery]:
    query = sa.select(WebhookDelivery).where(*where).order_by(WebhookDelivery.id)
    return list(db.session.scalars(query))


def verify(request: dict, secret: str) -> None:
    """The receiver's check, as the admin page documents it."""
    fields = dict(part.split("=", 1) for part in request["headers"]["Webhook-Signature"].split(","))
    message = fields["t"].encode() + b"." + request["body"]
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(fields["v1"], expected)
    assert request["headers"]["Webhook-Timestamp"] == fields["t"]


def test_confirm_and_cancel_are_delivered_signed(
    app, db, endpoint, receiver, make_meeting, make_contact
):
    row, secret = endpoint(events=["meeting.confirmed", "meeting.cancelled"])
    assert secret.encode() not in row.secret_sealed  # stored sealed, never as given
    meeting = make_meeting()  # created: meeting.changed, which this endpoint did not ask for
    add_participant(meeting, contact=make_contact(phone="+82 2 1234 5678"))
    in_request(app, meeting.id, confirm)
    [queued] = deliveries(db)
    assert (queued.status, queued.event_type, queued.attempts) == (
        "pending",
        "meeting.confirmed",
        0,
    )

    assert deliver(app) == "delivered 1, to retry 0, failed 0"
    [request] = receiver.requests
    assert request["path"] == "/hooks?from=scheduler"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    verify(request, secret)
    body = json.loads(request["body"])
    assert body["id"] == request["headers"]["Webhook-Id"] == queued.uuid
    assert body["type"] == "meeting.confirmed" and body["occurred_at"].endswith("Z")
    assert body["data"]["id"] == meeting.id and body["data"]["status"] == "confirmed"
    assert body["data"]["start"] == "2030-12-03T06:30:00Z"
    assert body["data"]["title"]["ko"] == "한중 화상회의"
    person = body["data"]["participants"][0]
    assert person["name"]["ko"] == "김민수"
    assert "email" not in person and "phone" not in person  # a viewer's view, whoever registered
    db.session.expire_all()
    assert deliveries(db)[0].status == "delivered" and deliveries(db)[0].last_status == 200

    in_request(app, meeting.id, lambda m: cancel(m, "台风"))
    assert deliver(app) == "delivered 1, to retry 0, failed 0"
    cancelled = receiver.events()[1]
    assert cancelled["type"] == "meeting.cancelled" and cancelled["data"]["status"] == "cancelled"
    assert cancelled["id"] != body["id"]
    verify(receiver.requests[1], secret)
    assert deliver(app) == "delivered 0, to retry 0, failed 0"  # at least once, not again
    assert len(receiver.requests) == 2


def test_one_event_per_endpoint_and_change(app, db, endpoint, receiver, make_meeting):
    first, _secret = endpoint(events=["meeting.changed"])
    second, _secret = endpoint(events=["meeting.changed", "meeting.confirmed"])
    meeting = make_meeting()
    rows = deliveries(db)
    assert sorted(r.endpoint_id for r in rows) == sorted([first.id, second.id])
    assert len({r.uuid for r in rows}) == 2
    in_request(app, meeting.id, confirm)
    assert [
        r.endpoint_id for r in deliveries(db, WebhookDelivery.event_type == "meeting.confirmed")
    ] == [second.id]


def test_receiver_error_is_retried_after_back_off(app, db, endpoint, receiver, make_meeting):
    _row, secret = endpoint(events=["meeting.confirmed"])
    meeting = make_meeting()
    in_request(app, meeting.id, confirm)
    receiver.answers = [500]
    before = now_utc()
    assert deliver(app) == "delivered 0, to retry 1, failed 0"
    [row] = deliveries(db)
    assert (row.status, row.attempts, row.last_status) == ("retrying", 1, 500)
    assert row.error_code == "status" and row.last_error.startswith("HTTP 500")
    assert before + timedelta(seconds=59) < row.next_attempt_at < now_utc() + timedelta(minutes=1)

    assert deliver(app) == "delivered 0, to retry 0, failed 0"  # not due yet
    assert len(receiver.requests) == 1
    row.next_attempt_at = now_utc() - timedelta(seconds=1)  # the minute has passed
    db.session.commit()
    assert deliver(app) == "delivered 1, to retry 0, failed 0"
    first, second = receiver.requests
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"] == row.uuid
    assert first["body"] == second["body"]
    verify(second, secret)
    db.session.expire_all()
    assert (row.status, row.attempts, row.last_status, row.error_code) == ("delivered", 2, 200, "")


def test_after_the_last_retry_the_delivery_fails(app, db, endpoint, receiver, make_meeting):
    endpoint(events=["meeting.confirmed"])
    in_request(app, make_meeting().id, confirm)
    [row] = deliveries(db)
    row.attempts = 5  # 1 min, 5 min, 30 min, 2 h and 12 h have been waited
    db.session.commit()
    receiver.answers = [503]
    assert deliver(app) == "delivered 0, to retry 0, failed 1"
    db.session.expire_all()
    assert (row.status, row.attempts, row.last_status) == ("failed", 6, 503)


def test_unreachable_receiver_is_retried(app, db, endpoint, receiver, make_meeting):
    endpoint(events=["meeting.confirmed"])
    receiver.close()  # nobody listens on that port any more
    in_request(app, make_meeting().id, confirm)
    assert deliver(app) == "delivered 0, to retry 1, failed 0"
    [row] = deliveries(db)
    assert (row.status, row.error_code, row.last_status) == ("retrying", "connection", None)


def test_rolled_back_change_delivers_nothing(app, db, endpoint, receiver, make_meeting):
    endpoint(events=["meeting.confirmed"])
    meeting = make_meeting()
    with app.test_request_context():
        confirm(db.session.get(Meeting, meeting.id))
        db.session.rollback()
        db.session.commit()
    assert deliveries(db) == []
    assert deliver(app) == "delivered 0, to retry 0, failed 0"
    assert receiver.requests == []


def test_pages_confirm_and_preview(app, db, client, endpoint, receiver, make_meeting):
    """The confirmation page runs the change and rolls it back: no event; the button: one."""
    endpoint(events=["meeting.confirmed"])
    meeting = make_meeting()
    preview = client.get(f"/meetings/{meeting.id}/confirm")
    assert preview.status_code == 200
    assert deliveries(db) == []
    stale = client.post(f"/meetings/{meeting.id}/confirm", data={"version": "0"})
    assert stale.status_code == 409
    assert deliveries(db) == []
    response = client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    assert response.status_code in (302, 303)
    assert [d.event_type for d in deliveries(db)] == ["meeting.confirmed"]
    assert deliver(app) == "delivered 1, to retry 0, failed 0"
    assert receiver.events()[0]["data"]["status"] == "confirmed"


def test_rsvp_and_visit_events(app, db, client, endpoint, receiver, make_meeting, make_contact):
    row, secret = endpoint(events=["rsvp.answered", "visit.changed"])
    meeting = make_meeting()
    participant_id = add_participant(meeting, contact=make_contact()).id
    db.session.commit()
    in_request(app, meeting.id, confirm)

    def answer(meeting):
        [participant] = [p for p in meeting.participants if p.id == participant_id]
        assert record_answer(RSVPClaim(participant, meeting.sequence), "accepted")

    in_request(app, meeting.id, answer)
    response = client.post("/visits/new", data=visit_form())
    assert response.status_code == 302
    assert deliver(app) == "delivered 2, to retry 0, failed 0"
    answered, visit = receiver.events()
    assert answered["type"] == "rsvp.answered" and answered["data"]["answer"] == "accepted"
    assert answered["data"]["participant"]["rsvp"] == "accepted"
    assert answered["data"]["meeting"]["id"] == meeting.id
    assert visit["type"] == "visit.changed"
    assert visit["data"]["title"]["ko"] == "서울시 대표단 창춘 방문"
    assert visit["data"]["partners"] == ["seoul"]
    for request in receiver.requests:
        verify(request, secret)


def test_closing_a_time_poll(app, db, client, auth, endpoint, receiver, draft):
    _row, secret = endpoint(events=["poll.closed", "meeting.confirmed"])
    auth.login("coordinator")
    assert propose(client, draft).status_code == 302
    poll = the_poll(draft)
    chosen = poll.candidates[1]
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": chosen.id}).status_code == 302
    assert deliver(app) == "delivered 2, to retry 0, failed 0"
    events = {event["type"]: event for event in receiver.events()}
    closed = events["poll.closed"]["data"]
    assert closed["id"] == poll.id and closed["status"] == "closed"
    assert closed["chosen"]["start"] == events["meeting.confirmed"]["data"]["start"]
    assert closed["meeting"]["id"] == draft["meeting_id"]
    for request in receiver.requests:
        verify(request, secret)


def test_private_addresses_refused_unless_allowed(app, db, client, auth, monkeypatch, receiver):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    auth.login("admin", locale="zh")
    for url in (
        receiver.url,
        "http://localhost/hooks",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest",
        "http://0.0.0.0/",
        "http://[::ffff:192.168.1.1]/",
    ):
        response = client.post("/admin/webhooks/new", data={"url": url, "events": ["poll.closed"]})
        assert response.status_code == 400, url
        assert "此地址指向内部或本地网络" in response.get_data(as_text=True), url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_address_checked_again_at_delivery(app, db, endpoint, receiver, make_meeting, monkeypatch):
    endpoint(events=["meeting.confirmed"])
    in_request(app, make_meeting().id, confirm)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)  # as if the name now
    assert deliver(app) == "delivered 0, to retry 1, failed 0"  # resolved to 127.0.0.1
    [row] = deliveries(db)
    assert row.error_code == "address" and receiver.requests == []


def test_bad_form_input(app, db, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", False)
    auth.login("admin", locale="ko")
    cases = {
        "http://example.org/hooks": "https://로 시작하는 주소를 입력해 주십시오.",
        "not a url": "https://example.org/hooks와 같은 전체 주소를 입력해 주십시오.",
        "https://no-such-host.invalid/": "호스트 이름을 찾을 수 없습니다.",
    }
    for url, message in cases.items():
        response = client.post("/admin/webhooks/new", data={"url": url, "events": ["poll.closed"]})
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True), url
    response = client.post("/admin/webhooks/new", data={"url": "https://127.0.0.1/"})
    assert response.status_code == 400
    assert "목록에서 이벤트를 하나 이상 선택해 주십시오." in response.get_data(as_text=True)
    response = client.post(
        "/admin/webhooks/new", data={"url": "https://127.0.0.1/", "events": ["meeting.deleted"]}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


def test_admin_page_lists_deliveries_and_edits(app, db, client, endpoint, receiver, make_meeting):
    row, _secret = endpoint(events=["meeting.confirmed"])
    meeting = make_meeting()
    in_request(app, meeting.id, confirm)
    receiver.answers = [502]
    deliver(app)
    listing = client.get("/admin/webhooks/").get_data(as_text=True)
    assert receiver.url in listing and "将重试 1" in listing
    page = client.get(f"/admin/webhooks/{row.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    [delivery] = deliveries(db)
    assert f'id="delivery-{delivery.id}" data-status="retrying"' in html
    assert delivery.uuid in html and "502" in html
    assert "接收系统返回错误：HTTP 502 ok" in html

    # Deactivated: the waiting delivery fails at its turn, nothing is sent.
    response = client.post(
        f"/admin/webhooks/{row.id}", data={"url": receiver.url, "events": ["meeting.confirmed"]}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert row.active is False
    delivery.next_attempt_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert deliver(app) == "delivered 0, to retry 0, failed 1"
    assert len(receiver.requests) == 1
    in_request(app, make_meeting().id, confirm)
    assert len(deliveries(db)) == 1  # an inactive endpoint gets no new deliveries


def test_non_admins_are_refused(client, auth, db):
    auth.login("coordinator")
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.get("/admin/webhooks/new").status_code == 403
    response = client.post(
        "/admin/webhooks/new", data={"url": "https://example.org/", "events": ["poll.closed"]}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0
