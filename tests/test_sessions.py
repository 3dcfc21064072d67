"""Revocable sessions: the session and remember-me cookies of before a sign-out, a password
change or reset, a role change or a deactivation are refused when replayed; the new ones work.
Also the cookie lifetimes and `Cache-Control: no-store` on signed-in pages."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from itsdangerous import TimestampSigner

from config import BASE_DIR

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret"
COOKIES = ("session", "remember_token")


def _sign_in(app, email, password=PASSWORD, remember=True):
    """A new browser signed in as *email* (with "Keep me signed in" when *remember*)."""
    browser = app.test_client()
    data = {"email": email, "password": password, "remember": "y" if remember else ""}
    response = browser.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def _cookies(browser) -> dict[str, str]:
    return {name: browser.get_cookie(name).value for name in COOKIES}


def _replay(app, name: str, value: str):
    """GET / in a new browser that holds only the cookie *name*."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser.get("/")


def _works(app, name, value) -> bool:
    response = _replay(app, name, value)
    if response.status_code == 200:
        return True
    assert (response.status_code, response.location) == (302, "/login?next=/")
    return False


def _all_refused(app, cookies: dict) -> bool:
    return not any(_works(app, name, value) for name, value in cookies.items())


@pytest.fixture
def person(make_user):
    return make_user("coordinator")


@pytest.fixture
def admin_browser(app, make_user):
    return _sign_in(app, make_user("admin").email, remember=False)


def test_both_cookies_work_until_an_event(app, person):
    old = _cookies(_sign_in(app, person.email))
    assert _works(app, "session", old["session"])
    assert _works(app, "remember_token", old["remember_token"])


def test_sign_out_ends_every_session_of_the_user(app, person):
    laptop = _sign_in(app, person.email)
    phone = _sign_in(app, person.email)
    old = _cookies(laptop)
    response = laptop.post("/logout", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "You have signed out on every computer and phone." in response.get_data(as_text=True)
    assert _all_refused(app, old)
    assert phone.get("/").status_code == 302  # the other device is signed out too
    again = _sign_in(app, person.email)
    assert again.get("/").status_code == 200
    assert _works(app, "remember_token", again.get_cookie("remember_token").value)


def test_sign_out_button_says_it_signs_out_everywhere(app, person):
    page = _sign_in(app, person.email).get("/", headers={"Accept-Language": "en"})
    assert 'title="Signs you out on every computer and phone where you are signed in.">' in (
        page.get_data(as_text=True)
    )


def _profile(**changes):
    data = {"locale": "", "timezone": "Asia/Shanghai", "working_hours": ""}
    return {**data, **changes}


def test_own_password_change_keeps_this_browser_and_ends_the_others(app, person):
    browser = _sign_in(app, person.email)
    other = _sign_in(app, person.email)
    old = _cookies(browser)
    change = _profile(
        current_password=PASSWORD, new_password=NEW_PASSWORD, new_password_repeat=NEW_PASSWORD
    )
    assert browser.post("/profile", data=change).status_code == 302
    assert _all_refused(app, old)
    assert other.get("/").status_code == 302
    assert browser.get("/").status_code == 200
    renewed = _cookies(browser)
    assert renewed != old
    assert _works(app, "session", renewed["session"])
    assert _works(app, "remember_token", renewed["remember_token"])


def test_a_profile_save_without_a_new_password_ends_nothing(app, person):
    browser = _sign_in(app, person.email)
    old = _cookies(browser)
    assert browser.post("/profile", data=_profile(locale="ko")).status_code == 302
    assert _works(app, "session", old["session"])
    assert _works(app, "remember_token", old["remember_token"])


def test_a_wrong_current_password_changes_nothing(app, person):
    browser = _sign_in(app, person.email)
    old = _cookies(browser)
    change = _profile(
        current_password="wrong", new_password=NEW_PASSWORD, new_password_repeat=NEW_PASSWORD
    )
    assert browser.post("/profile", data=change).status_code == 400
    assert _works(app, "session", old["session"])
    assert _works(app, "remember_token", old["remember_token"])


def test_admin_password_reset_ends_the_users_sessions(app, person, admin_browser):
    old = _cookies(_sign_in(app, person.email))
    reset = {"new_password": NEW_PASSWORD}
    assert admin_browser.post(f"/admin/users/{person.id}/password", data=reset).status_code == 302
    assert _all_refused(app, old)
    assert admin_browser.get("/admin/users").status_code == 200
    assert _sign_in(app, person.email, NEW_PASSWORD).get("/").status_code == 200


def test_an_admin_resetting_their_own_password_stays_signed_in(app, make_user):
    admin = make_user("admin")
    browser = _sign_in(app, admin.email)
    old = _cookies(browser)
    reset = {"new_password": NEW_PASSWORD}
    assert browser.post(f"/admin/users/{admin.id}/password", data=reset).status_code == 302
    assert browser.get("/admin/users").status_code == 200
    assert _all_refused(app, old)


def test_cli_password_reset_ends_the_users_sessions(app, person):
    old = _cookies(_sign_in(app, person.email))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "reset-password", person.email.upper()],
                           input=NEW_PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"password of {person.email} changed; every session of theirs is signed out\n"
    )
    assert _all_refused(app, old)
    assert _sign_in(app, person.email, NEW_PASSWORD).get("/").status_code == 200


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["nobody@example.org"], NEW_PASSWORD, "Error: no user has the e-mail nobody@example.org"),
        (None, "short", "Error: the password must be at least 8 characters long"),
    ],
)
def test_cli_password_reset_refuses_bad_input(app, person, args, password, message):
    old = _cookies(_sign_in(app, person.email))
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "reset-password", *(args or [person.email])], input=password + "\n"
    )
    assert (result.exit_code, message in result.output) == (1, True), result.output
    assert _works(app, "session", old["session"])
    assert _sign_in(app, person.email).get("/").status_code == 200


def _account(person, **changes):
    data = {
        "email": person.email,
        "name_zh": person.name_zh,
        "name_ko": person.name_ko,
        "role": person.role,
        "locale": "",
        "timezone": person.timezone,
        "working_hours": "",
    }
    return {**data, **changes}


def test_role_change_ends_the_users_sessions(app, person, admin_browser):
    old = _cookies(_sign_in(app, person.email))
    edit = _account(person, role="viewer")
    assert admin_browser.post(f"/admin/users/{person.id}", data=edit).status_code == 302
    assert _all_refused(app, old)
    viewer = _sign_in(app, person.email)
    assert viewer.get("/").status_code == 200
    assert viewer.post("/partners/seoul/edit", data={}).status_code == 403


def test_an_edit_that_keeps_the_role_ends_nothing(app, person, admin_browser):
    old = _cookies(_sign_in(app, person.email))
    edit = _account(person, name_zh="王芳芳")
    assert admin_browser.post(f"/admin/users/{person.id}", data=edit).status_code == 302
    assert _works(app, "session", old["session"])
    assert _works(app, "remember_token", old["remember_token"])


def test_deactivation_ends_the_sessions_for_good(app, person, admin_browser):
    old = _cookies(_sign_in(app, person.email))
    url = f"/admin/users/{person.id}/active"
    assert admin_browser.post(url, data={"active": "0"}).status_code == 302
    assert _all_refused(app, old)
    assert admin_browser.post(url, data={"active": "1"}).status_code == 302
    assert _all_refused(app, old)  # reactivating does not revive them
    assert _sign_in(app, person.email).get("/").status_code == 200


@pytest.mark.parametrize(
    "identity", ["{id}", "{id}:9", "{id}:", "x:0", "{id}:0:0", "", "9" * 30 + ":0", "{id}:²"]
)
def test_an_identity_of_an_older_release_or_version_is_refused(app, person, identity):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = identity.format(id=person.id)
        session["_fresh"] = True
    response = browser.get("/")
    assert (response.status_code, response.location) == (302, "/login?next=/")


def test_a_session_cookie_expires_after_twelve_hours(app, person, monkeypatch):
    cookie = _sign_in(app, person.email, remember=False).get_cookie("session").value
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie)
    for hours, works in ((11.9, True), (12.1, False)):
        written = int(time.time() - hours * 3600)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, at=written: at)
        aged = serializer.dumps(data)
        monkeypatch.undo()
        assert _works(app, "session", aged) is works, hours


def test_remember_me_lasts_fourteen_days(app, person):
    browser = app.test_client()
    data = {"email": person.email, "password": PASSWORD, "remember": "y"}
    response = browser.post("/login", data=data)
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token")]
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert timedelta(days=13.9) < expires - datetime.now(UTC) <= timedelta(days=14)


def test_lifetimes_are_read_from_the_environment():
    code = "import config; print(config.Config.PERMANENT_SESSION_LIFETIME, "
    code += "config.Config.REMEMBER_COOKIE_DURATION)"
    env = {**os.environ, "SESSION_LIFETIME_HOURS": "2", "REMEMBER_ME_DAYS": "3"}
    output = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    assert output == "2:00:00 3 days, 0:00:00\n"


def test_signed_in_pages_are_never_stored(app, person):
    browser = _sign_in(app, person.email)
    for url in ("/", "/profile", "/no-such-page"):
        assert browser.get(url).headers["Cache-Control"] == "no-store", url
    css = browser.get("/static/css/app.css")
    assert css.status_code == 200
    assert "no-store" not in css.headers.get("Cache-Control", "")
    anonymous = app.test_client().get("/login")
    assert "Cache-Control" not in anonymous.headers
