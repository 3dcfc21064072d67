"""Failed sign-in limits (scheduler/auth/throttle.py): a guesser locks only itself out.

"Another address" is a loopback address (127.0.0.2, ...) given as the request's REMOTE_ADDR.
"""

from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from tests.conftest import count

PASSWORD = "correct horse battery"
TOO_MANY = {
    "en": "Too many failed sign-in attempts. Please wait 15 minutes and try again.",
    "ko": "로그인 실패 횟수가 너무 많습니다. 15분 후에 다시 시도하세요.",
    "zh": "登录失败次数过多，请 15 分钟后再试。",
}


def login(client, email, password=PASSWORD, address="127.0.0.1", **headers):
    """POST the login form from *address* (and any extra headers, e.g. X-Forwarded-For)."""
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def fail(client, email, times, address, **headers):
    for _ in range(times):
        assert login(client, email, "wrong", address, **headers).status_code == 401


def test_an_attacker_locks_only_their_own_address_out(client, make_user):
    user = make_user("viewer")
    client.set_cookie("locale", "en")
    fail(client, user.email, 5, "127.0.0.2")
    refused = login(client, user.email, address="127.0.0.2")  # even the right password
    assert refused.status_code == 429
    assert TOO_MANY["en"] in refused.get_data(as_text=True)
    assert login(client, user.email, address="127.0.0.3").status_code == 302


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_the_refusal_is_translated(client, lang):
    client.set_cookie("locale", lang)
    fail(client, "target@example.org", 5, "127.0.0.2")
    refused = login(client, "target@example.org", "wrong", "127.0.0.2")
    assert refused.status_code == 429
    assert TOO_MANY[lang] in refused.get_data(as_text=True)


def test_four_failures_do_not_lock_and_a_good_sign_in_clears_them(client, make_user):
    user = make_user("viewer")
    fail(client, user.email, 4, "127.0.0.2")
    assert login(client, user.email, address="127.0.0.2").status_code == 302
    client.post("/logout")
    fail(client, user.email, 4, "127.0.0.2")  # counted afresh: no 429 here
    assert login(client, user.email, address="127.0.0.2").status_code == 302


def test_spraying_many_accounts_from_one_address_is_refused(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_MAX_FAILURES", 8)
    user = make_user("viewer")
    for n in range(8):  # one guess per account: no pair comes near its limit
        fail(client, f"guess{n}@example.org", 1, "127.0.0.5")
    assert login(client, user.email, address="127.0.0.5").status_code == 429
    assert login(client, user.email, address="127.0.0.6").status_code == 302


def test_the_address_limit_defaults_to_thirty(client):
    for n in range(30):
        fail(client, f"spray{n}@example.org", 1, "127.0.0.7")
    assert login(client, "spray99@example.org", "wrong", "127.0.0.7").status_code == 429


@pytest.fixture
def backoff_at_six(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_BACKOFF_FAILURES", 6)


def test_the_back_off_slows_many_addresses_but_never_the_real_user(
    client, make_user, backoff_at_six
):
    user = make_user("viewer")
    fail(client, user.email, 5, "127.0.0.11")
    fail(client, user.email, 1, "127.0.0.12")  # the sixth failure: the account backs off
    # An address that failed for the account in the window is refused, right password or not.
    assert login(client, user.email, address="127.0.0.12").status_code == 429
    # A fresh address still has its password checked (a wrong one fails and counts) ...
    fail(client, user.email, 1, "127.0.0.13")
    assert login(client, user.email, address="127.0.0.13").status_code == 429
    # ... and the real user, from where they have not mistyped, signs in.
    assert login(client, user.email, address="127.0.0.14").status_code == 302


def _notices() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "login_backoff")
    return list(db.session.scalars(query.order_by(OutboxMessage.recipient)))


def _text(row: OutboxMessage) -> str:
    message = message_from_bytes(row.raw, policy=policy.default)
    return message.get_body(("plain",)).get_content()


def test_the_back_off_tells_the_admins_once_per_window(client, make_user, backoff_at_six):
    korean = make_user("admin", email="a-admin@example.org", locale="ko")
    chinese = make_user("admin", email="b-admin@example.org", locale="zh")
    make_user("admin", email="c-retired@example.org", is_active_user=False)
    make_user("coordinator", email="d-coordinator@example.org")
    user = make_user("viewer")
    fail(client, user.email, 5, "127.0.0.21")
    assert _notices() == [] and count(AuditEntry, AuditEntry.action == "login_backoff") == 0
    fail(client, user.email, 1, "127.0.0.22")
    fail(client, user.email, 1, "127.0.0.23")  # still the same window: no second notice

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "login_backoff"))
    assert [(e.object_id, e.object_label, e.changes) for e in entries] == [
        (user.id, user.email, {"failures": 6, "minutes": 15})
    ]
    rows = _notices()
    assert [row.recipient for row in rows] == [korean.email, chinese.email]
    assert rows[0].subject == f"{user.email} 계정의 로그인 실패가 많습니다"
    assert rows[1].subject == f"账号 {user.email} 登录失败次数过多"
    assert f"{user.email} 계정의 로그인이 최근 15분 동안 6회 실패했습니다." in _text(rows[0])
    assert f"账号 {user.email} 在过去 15 分钟内登录失败 6 次。" in _text(rows[1])
    assert "http://127.0.0.1:5000/audit/" in _text(rows[1])


def test_unknown_accounts_back_off_too_but_notify_nobody(client, make_user, backoff_at_six):
    make_user("admin", locale="ko")
    fail(client, "ghost@example.org", 5, "127.0.0.31")
    fail(client, "ghost@example.org", 1, "127.0.0.32")
    assert login(client, "ghost@example.org", "wrong", "127.0.0.32").status_code == 429
    assert _notices() == [] and count(AuditEntry, AuditEntry.action == "login_backoff") == 0
