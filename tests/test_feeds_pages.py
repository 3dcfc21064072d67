"""Feed pages (create, show once, rotate, revoke, send), permissions, CLI, limits, logging."""

import logging
import threading
import urllib.error
import urllib.request
from email import message_from_bytes, policy

import sqlalchemy as sa
from werkzeug.serving import make_server

from scheduler.feeds.models import Feed
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.limits.models import LimitHit
from scheduler.limits.store import limit_key
from scheduler.partners.services import get_partner
from tests.conftest import count
from tests.feeds_support import _fresh_feed_state, new_feed  # noqa: F401


def _link(page: str, scheme: str = "http://127.0.0.1:5000") -> str:
    return scheme + page.split(scheme, 1)[1].split('"', 1)[0]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _newest_feed(db) -> Feed:
    return db.session.scalars(sa.select(Feed).order_by(Feed.id.desc())).first()


def test_viewer_cannot_create_feeds(client, db, auth):
    auth.login("viewer")
    contact_page = client.get("/partners/seoul").get_data(as_text=True)
    assert "Create a subscription link" not in contact_page
    for url in ("/feeds/partner/seoul", "/feeds/office", "/feeds/me"):
        assert client.post(url, data={"language": "ko"}).status_code == 403
    assert count(Feed) == 0
    assert "whole office" not in client.get("/profile").get_data(as_text=True)


def test_coordinator_creates_a_partner_feed_shown_once(app, client, db, auth):
    auth.login("coordinator", locale="en")
    app.config["BASE_URL"] = "https://cal.example.cn"
    try:
        response = client.post("/feeds/partner/seoul", data={"language": "zh"})
    finally:
        app.config["BASE_URL"] = "http://127.0.0.1:5000"
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    https, webcal = _link(page, "https://cal.example.cn"), _link(page, "webcal://cal.example.cn")
    assert _path(https) == _path(webcal) and https.endswith(".ics")
    assert 'src="data:image/svg+xml;base64,' in page
    for app_name in ("Outlook", "Google Calendar", "Apple Calendar", "Naver Calendar"):
        assert app_name in page
    token = _path(https).removeprefix("/calendars/").removesuffix(".ics")
    assert len(token) == 43
    feed = _newest_feed(db)
    assert (feed.scope, feed.partner.slug, feed.language) == ("partner", "seoul", "zh")
    assert token not in (feed.token_hash, str(feed.id)) and len(feed.token_hash) == 64
    assert client.get(_path(https)).status_code == 200
    listing = client.get("/partners/seoul").get_data(as_text=True)
    assert f'data-feed-id="{feed.id}"' in listing and token not in listing


def test_bad_language_is_refused(client, db, auth):
    auth.login("coordinator", locale="en")
    response = client.post("/feeds/partner/seoul", data={"language": "fr"})
    assert response.status_code == 400
    assert "Choose the calendar&#39;s language." in response.get_data(as_text=True)
    assert count(Feed) == 0
    assert client.post("/feeds/partner/nowhere", data={"language": "ko"}).status_code == 404


def test_send_to_contact_goes_through_the_outbox(client, db, auth, make_contact):
    auth.login("coordinator", locale="en")
    contact = make_contact(email="park@seoul.example.kr", family_name_ko="박", given_name_ko="민")
    form = {"language": "ko", "send_to_contact": "y"}
    page = client.post(f"/feeds/contact/{contact.id}", data=form).get_data(as_text=True)
    https = _link(page)
    (row,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "feed_link"))
    assert row.recipient == "park@seoul.example.kr"
    message = message_from_bytes(row.raw, policy=policy.SMTP)
    text = message.get_body(("plain",)).get_content()
    assert https in text and "webcal://" in text and "박민" in text


def test_send_without_an_address_changes_nothing(client, db, auth, make_contact):
    auth.login("coordinator", locale="en")
    contact = make_contact(email=None)
    response = client.post(f"/feeds/contact/{contact.id}",
                           data={"language": "ko", "send_to_contact": "y"})  # fmt: skip
    assert response.status_code == 400
    assert "has no e-mail address" in response.get_data(as_text=True)
    assert count(Feed) == 0 and count(OutboxMessage) == 0


def test_office_feed_only_for_coordinators_and_admins(client, db, auth):
    auth.login("admin", locale="en")
    assert "whole office" in client.get("/profile").get_data(as_text=True)
    assert client.post("/feeds/office", data={"language": "zh"}).status_code == 200
    assert _newest_feed(db).scope == "office"


def test_own_feed_and_someone_elses(client, db, auth, make_user):
    auth.login("coordinator", locale="ko")
    page = client.post("/feeds/me", data={"language": "ko"}).get_data(as_text=True)
    mine = _newest_feed(db)
    assert (mine.scope, mine.user_id) == ("user", auth.user.id)
    assert client.get(_path(_link(page))).status_code == 200
    auth.logout()
    auth.login("coordinator")
    assert client.post(f"/feeds/{mine.id}/rotate").status_code == 403
    assert client.post(f"/feeds/{mine.id}/revoke").status_code == 403
    assert client.post("/feeds/99999/revoke").status_code == 404


def test_revoke_from_the_page(app, client, db, auth):
    path = new_feed(app, "--partner", "busan")
    feed = _newest_feed(db)
    auth.login("coordinator", locale="en")
    assert client.post(f"/feeds/{feed.id}/revoke").status_code == 302
    assert client.get(path).status_code == 404
    assert f'data-feed-id="{feed.id}"' not in client.get("/partners/busan").get_data(as_text=True)
    assert client.post(f"/feeds/{feed.id}/rotate").status_code == 404


def test_cli_create_and_revoke(app, client, db, make_contact, make_user):
    runner = app.test_cli_runner()
    user = make_user("coordinator", locale="en")
    contact = make_contact(email="choi@busan.example.kr", language="zh")
    cases = [(["--partner", "seoul"], "partner", "ko"), (["--office"], "office", "zh"),
             (["--contact", "Choi@Busan.example.kr"], "contact", "zh"),
             (["--user", user.email], "user", "en"), (["--partner", "busan", "--lang", "en"],
             "partner", "en")]  # fmt: skip
    for args, scope, language in cases:
        result = runner.invoke(args=["feeds", "create", *args])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("http://127.0.0.1:5000/calendars/")
        feed = _newest_feed(db)
        assert (feed.scope, feed.language, feed.created_by) == (scope, language, None)
    assert feed.partner == get_partner("busan") and contact.id
    url = result.output.strip()
    assert runner.invoke(args=["feeds", "revoke", url]).exit_code == 0
    assert client.get(_path(url)).status_code == 404
    again = runner.invoke(args=["feeds", "revoke", url])
    assert again.exit_code == 1 and "No active feed has this link." in again.output
    for bad in (["--partner", "seoul", "--office"], [], ["--partner", "atlantis"],
                ["--contact", "nobody@example.org"], ["--user", "ghost@example.org"],
                ["--office", "--lang", "fr"]):  # fmt: skip
        assert runner.invoke(args=["feeds", "create", *bad]).exit_code != 0, bad


def test_repeated_misses_are_rate_limited_but_never_refuse_a_valid_link(app, client, db):
    good = new_feed(app, "--partner", "seoul")
    for number in range(20):
        assert client.get(f"/calendars/{number:043d}.ics").status_code == 404
    assert client.get(f"/calendars/{'9' * 43}.ics").status_code == 429
    assert client.get("/calendars/short.ics").status_code == 429
    # The same address (127.0.0.1, the test client's) still gets its partners' feed.
    assert client.get(good).status_code == 200
    other = {"REMOTE_ADDR": "127.0.0.2"}
    assert client.get(f"/calendars/{'9' * 43}.ics", environ_base=other).status_code == 404
    assert client.get(good, environ_base=other).status_code == 200


def test_a_blocked_address_writes_nothing_more(app, client, db):
    for number in range(20):
        client.get(f"/calendars/{number:043d}.ics", environ_base={"REMOTE_ADDR": "127.0.0.4"})
    rows = (LimitHit, LimitHit.key == limit_key("feed-miss", "127.0.0.4"))
    assert count(*rows) == 20  # one row per counted miss, kept although the answer is 404
    for number in range(50):
        blocked = client.get(
            f"/calendars/{number:043d}.ics", environ_base={"REMOTE_ADDR": "127.0.0.4"}
        )
        assert blocked.status_code == 429
    assert count(*rows) == 20


def test_request_log_never_shows_the_token(app, db, caplog, monkeypatch):
    # Alembic's fileConfig (run by the app fixture) disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    path = new_feed(app, "--partner", "seoul")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}") as answer:
                assert answer.status == 200
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}/calendars/{'B' * 43}.ics")
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        server.shutdown()
        thread.join()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 2
    assert all("/calendars/[redacted].ics" in line for line in lines)
    token = path.removeprefix("/calendars/").removesuffix(".ics")
    assert not any(token in line or "B" * 43 in line for line in lines)


def test_the_new_link_has_copy_buttons_in_the_readers_language(client, db, auth):
    auth.login("coordinator", locale="ko")
    page = client.post("/feeds/partner/seoul", data={"language": "ko"}).get_data(as_text=True)
    https = _link(page)
    # Without script the read-only field is what one selects and copies; script shows the button.
    assert f'<input class="form-control font-monospace" id="feed-https" type="text" readonly value="{https}">' in page  # fmt: skip  # noqa: E501
    assert (
        '<button class="btn btn-outline-secondary" type="button" hidden data-copy="feed-https"'
        ' data-copy-status="feed-https-status"\n'
        '    data-copied="링크를 복사했습니다." data-selected="링크가 선택되었습니다.'
        ' Ctrl+C(Mac에서는 ⌘C)를 눌러 복사하세요."\n'
        '    aria-describedby="feed-https-status">복사</button>'
    ) in page
    assert 'data-copy="feed-webcal"' in page
    assert '<div class="form-text" id="feed-https-status" role="status" aria-live="polite">' in page
    assert '<script src="/static/js/copy-field.js' in page and "onclick" not in page
