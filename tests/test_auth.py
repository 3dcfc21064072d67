"""Signing in and out: credentials, redirects, CSRF, roles and the audit trail."""

import re

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.auth.models import User
from tests.conftest import count

PASSWORD = "correct horse battery"


def _login(client, email, password=PASSWORD, address="127.0.0.1", url="/login"):
    return client.post(
        url, data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_login_with_correct_password(client, make_user):
    user = make_user("viewer")
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/").status_code == 200
    assert user.last_login_at is not None


def test_wrong_password_is_401_and_keeps_you_out(client, make_user):
    user = make_user("viewer")
    client.set_cookie("locale", "en")
    response = _login(client, user.email, "wrong password")
    assert response.status_code == 401
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_account_gets_the_same_answer(client, db):
    client.set_cookie("locale", "en")
    response = _login(client, "nobody@example.org")
    assert response.status_code == 401
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)


@pytest.fixture
def hash_checks(monkeypatch):
    """The hashes the auth service checks passwords against, in order (the real check runs)."""
    from werkzeug.security import check_password_hash

    from scheduler.auth import services

    checked = []

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy, raising=False)
    return checked


def _method(pwhash: str) -> str:
    """A werkzeug hash's method and cost (``scrypt:32768:8:1``), without salt and digest."""
    return pwhash.split("$", 1)[0]


def test_every_attempt_checks_one_hash_of_the_same_method(client, make_user, hash_checks):
    """Unknown e-mail, inactive user, known user: the same work (one hash check, same method
    and cost), and the same answer for every failure. No timings measured."""
    client.set_cookie("locale", "en")
    user = make_user("viewer")
    inactive = make_user("coordinator", is_active_user=False)
    answers = {}
    for label, email in (("unknown", "nobody@example.org"), ("inactive", inactive.email),
                         ("known", user.email)):  # fmt: skip
        response = _login(client, email, "wrong password")
        answers[label] = (response.status_code, tuple(_error(response)))
    assert set(answers.values()) == {(401, ("The e-mail or password is not correct.",))}
    dummy, dummy_again, own = hash_checks
    assert own == user.password_hash
    assert dummy == dummy_again not in (user.password_hash, inactive.password_hash)
    assert _method(dummy) == _method(user.password_hash) == _method(inactive.password_hash)
    assert _login(client, user.email).status_code == 302 and len(hash_checks) == 4


def _error(response) -> list[str]:
    """The login page's alert messages."""
    return re.findall(r'<div class="alert[^"]*" role="alert">(.*?)</div>', response.get_data(True))


def test_inactive_user_cannot_sign_in(client, make_user):
    user = make_user("coordinator", is_active_user=False)
    response = _login(client, user.email)
    assert response.status_code == 401
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/partners/", "/partners/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_url_must_stay_on_this_site(client, make_user, next_url, location):
    user = make_user("viewer")
    response = client.post(
        "/login", query_string={"next": next_url}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == location


def test_logout_requires_post(auth, client):
    auth.login("viewer")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_forms_without_csrf_token_are_refused(csrf_app, client, make_user):
    user = make_user("admin", locale="en")
    client.set_cookie("locale", "en")
    missing = _login(client, user.email)
    assert missing.status_code == 400
    assert "missing its security token" in missing.get_data(as_text=True)
    assert client.get("/").status_code == 302
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302
    profile = {"locale": "ko", "timezone": "Asia/Seoul"}
    assert client.post("/profile", data=profile).status_code == 400
    assert client.post("/logout").status_code == 400
    assert (user.locale, user.timezone) == ("en", "Asia/Shanghai")
    assert client.get("/").status_code == 200


def test_viewer_may_not_post_anywhere_but_own_settings(auth, client, make_contact):
    contact = make_contact("seoul")
    auth.login("viewer")
    refused = {
        "/contacts/new/seoul": {"family_name_ko": "최"},
        f"/contacts/{contact.id}/edit": {"family_name_ko": "최"},
        f"/contacts/{contact.id}/active": {"active": "0"},
        "/partners/seoul/edit": {"name_en": "Changed"},
        "/admin/users/new": {"email": "x@example.org", "role": "admin"},
    }
    for url, data in refused.items():
        assert client.post(url, data=data).status_code == 403, url
    assert contact.is_active is True
    assert count(User, User.email == "x@example.org") == 0
    assert client.post("/profile", data={"timezone": "Asia/Seoul"}).status_code == 302
    assert client.post("/language", data={"lang": "ko"}).status_code == 302


def test_login_is_written_to_the_audit_log(client, db, make_user):
    user = make_user("viewer")
    _login(client, user.email)
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "login", AuditEntry.object_type == "users")
    ).all()
    assert [(e.user_id, e.object_id, e.object_label) for e in entries] == [
        (user.id, user.id, user.email)
    ]


def test_failed_login_writes_no_audit_row(client, db, make_user):
    user = make_user("viewer")
    before = count(AuditEntry, AuditEntry.action == "login")
    _login(client, user.email, "wrong")
    assert count(AuditEntry, AuditEntry.action == "login") == before
