"""Staff accounts on the admin pages, and every user's own profile page."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.auth.models import User
from tests.conftest import count

CHINA_HOURS = "Mon-Fri 09:00-12:00,13:30-17:30"
KOREA_HOURS = "Mon-Fri 09:00-12:00,13:00-18:00"


def _form(**overrides):
    data = {
        "email": "Li.Na@Changchun.example.cn",
        "name_zh": "李娜",
        "name_ko": "리나",
        "role": "coordinator",
        "locale": "",
        "timezone": "Asia/Shanghai",
        "working_hours": "",
        "password": "",
    }
    data.update(overrides)
    return data


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _shown_password(html: str) -> str:
    return re.search(r'<code id="new-password" class="fs-5">([^<]+)</code>', html).group(1)


def _can_sign_in(app, email, password) -> bool:
    other = app.test_client()
    return other.post("/login", data={"email": email, "password": password}).status_code == 302


def _error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def admin(auth):
    return auth.login("admin", locale="en", timezone="Asia/Seoul")


def test_list_shows_accounts_with_last_login_in_the_viewers_zone(admin, client, make_user):
    last = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    user = make_user("viewer", name_zh="张伟", name_ko="장웨이", locale="ko", last_login_at=last)
    html = client.get("/admin/users").get_data(as_text=True)
    row = re.search(rf'<tr id="user-{user.id}">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == [
        user.email,
        "张伟",
        "장웨이",
        "Viewer",
        "한국어",
        "Changchun time",  # the zone's name, not its IANA id
        "Active",
        "Sun, Mar 2, 2025 1:30 AM Seoul time",
    ]


def test_last_login_follows_the_viewers_locale_and_zone(auth, client, make_user):
    last = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)
    user = make_user("viewer", last_login_at=last)
    auth.login("admin", locale="zh", timezone="Asia/Shanghai")
    html = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "2025年3月2日（周日）00:30（北京时间）" in html


def test_add_user_with_a_typed_password(admin, app, client, db):
    response = client.post("/admin/users/new", data=_form(password="  spaced pass  "))
    assert response.status_code == 302
    assert response.location == "/admin/users"
    user = _user(db, "li.na@changchun.example.cn")
    assert (user.name_zh, user.name_ko, user.role) == ("李娜", "리나", "coordinator")
    assert (user.locale, user.timezone, user.working_hours) == (None, "Asia/Shanghai", CHINA_HOURS)
    assert "The user li.na@changchun.example.cn has been added." in client.get(
        "/admin/users"
    ).get_data(as_text=True)
    assert _can_sign_in(app, user.email, "  spaced pass  ")
    assert not _can_sign_in(app, user.email, "spaced pass")


def test_blank_password_is_generated_and_shown_once(admin, app, client, db):
    response = client.post("/admin/users/new", data=_form())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _shown_password(response.get_data(as_text=True))
    assert len(password) >= 16
    assert _can_sign_in(app, "li.na@changchun.example.cn", password)
    for url in ("/admin/users", f"/admin/users/{_user(db, 'li.na@changchun.example.cn').id}"):
        assert password not in client.get(url).get_data(as_text=True)
    assert password not in response.headers.get("Set-Cookie", "")


def test_zone_alias_locale_and_default_hours_per_zone(admin, client, db):
    harbin = _form(timezone="Asia/Harbin", locale="ko", password="long enough")
    assert client.post("/admin/users/new", data=harbin).status_code == 302
    user = _user(db, "li.na@changchun.example.cn")
    assert (user.timezone, user.locale, user.working_hours) == ("Asia/Shanghai", "ko", CHINA_HOURS)
    seoul = _form(email="kim@seoul.example.kr", timezone="Asia/Seoul", password="long enough")
    assert client.post("/admin/users/new", data=seoul).status_code == 302
    assert _user(db, "kim@seoul.example.kr").working_hours == KOREA_HOURS


def test_working_hours_are_stored_tidied(admin, client, db):
    data = _form(working_hours="mon-thu 8:30-12:00, 13:00-17:00; fri 08:30-12:00", password="x" * 8)
    assert client.post("/admin/users/new", data=data).status_code == 302
    stored = _user(db, "li.na@changchun.example.cn").working_hours
    assert stored == "Mon-Thu 08:30-12:00,13:00-17:00; Fri 08:30-12:00"


UNKNOWN_ZONE = "Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."
BAD_INPUT = [
    ("email", "not-an-email", "This is not a valid e-mail address."),
    ("email", "", "Enter an e-mail address."),
    ("timezone", "Asia/Atlantis", UNKNOWN_ZONE),
    ("timezone", "UTC+8", UNKNOWN_ZONE),
    ("name_zh", "李" * 101, "At most 100 characters."),
    ("name_ko", "리" * 101, "At most 100 characters."),
    ("role", "superuser", "Choose one of the roles offered."),
    ("locale", "fr", "Choose one of the languages offered."),
    ("working_hours", "Mon-Fri 9-5", "&#34;9&#34; is not a time. Use HH:MM, for example 09:00."),
    ("working_hours", "Mon-Fri 17:00-09:00", "The time range 17:00-09:00 ends before it starts."),
    ("password", "short", "The password must be 8 to 200 characters long."),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_errors_beside_field_and_nothing_saved(admin, client, field, value, message):
    before = count(User)
    response = client.post("/admin/users/new", data=_form(**{field: value}))
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), field) == message
    assert count(User) == before


def test_duplicate_email_is_refused_whatever_its_case(admin, client, make_user):
    make_user("viewer", email="taken@changchun.example.cn")
    before = count(User)
    response = client.post("/admin/users/new", data=_form(email="TAKEN@Changchun.example.cn"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _error(html, "email") == "Another user already has this e-mail address."
    assert count(User) == before


def test_html_in_names_is_escaped(admin, client, make_user):
    make_user("viewer", name_zh="<script>x()</script>", name_ko="<b>박</b>")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
    assert "&lt;b&gt;박&lt;/b&gt;" in html and "<b>박</b>" not in html


def test_edit_user(admin, client, make_user):
    user = make_user("viewer", locale="zh")
    data = _form(email=user.email.upper(), role="coordinator", name_ko="새이름",
                 timezone="Asia/Seoul", working_hours="Mon-Fri 10:00-16:00")  # fmt: skip
    response = client.post(f"/admin/users/{user.id}", data=data)
    assert response.status_code == 302
    assert (user.role, user.name_ko, user.locale) == ("coordinator", "새이름", None)
    assert (user.timezone, user.working_hours) == ("Asia/Seoul", "Mon-Fri 10:00-16:00")


def test_edit_refuses_another_users_email(admin, client, make_user):
    user = make_user("viewer")
    other = make_user("viewer")
    response = client.post(f"/admin/users/{user.id}", data=_form(email=other.email))
    assert response.status_code == 400
    assert _error(response.get_data(as_text=True), "email") == (
        "Another user already has this e-mail address."
    )
    assert client.post("/admin/users/999999", data=_form()).status_code == 404


def test_admin_cannot_remove_own_admin_role(admin, client):
    response = client.post(f"/admin/users/{admin.id}", data=_form(email=admin.email, role="viewer"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _error(html, "role") == "You cannot remove your own administrator access."
    assert admin.role == "admin"


def test_admin_may_demote_another_admin(admin, client, make_user):
    other = make_user("admin")
    response = client.post(f"/admin/users/{other.id}", data=_form(email=other.email, role="viewer"))
    assert response.status_code == 302
    assert other.role == "viewer"


def test_deactivate_and_reactivate(admin, app, client, make_user):
    user = make_user("coordinator")
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert user.is_active_user is False
    assert not _can_sign_in(app, user.email, "correct horse battery")
    html = client.get("/admin/users").get_data(as_text=True)
    assert f"The user {user.email} has been deactivated." in html
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "1"}).status_code == 302
    assert user.is_active_user is True
    assert _can_sign_in(app, user.email, "correct horse battery")


def test_deactivated_user_is_signed_out(admin, app, client, make_user):
    user = make_user("coordinator")
    victim = app.test_client()
    victim.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert victim.get("/").status_code == 200
    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert victim.get("/").status_code == 302


def test_admin_cannot_deactivate_themself(admin, client):
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<div class="alert alert-danger" role="alert" id="account-error">' in html
    assert "You cannot deactivate your own account." in html
    assert admin.is_active_user is True
    assert client.get("/admin/users").status_code == 200


def test_reset_password_generated_and_shown_once(admin, app, client, make_user):
    user = make_user("viewer")
    response = client.post(f"/admin/users/{user.id}/password", data={"new_password": ""})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _shown_password(response.get_data(as_text=True))
    assert not _can_sign_in(app, user.email, "correct horse battery")
    assert _can_sign_in(app, user.email, password)
    assert password not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_reset_password_typed_by_the_admin(admin, app, client, make_user):
    user = make_user("viewer")
    response = client.post(f"/admin/users/{user.id}/password", data={"new_password": "new secret"})
    assert response.status_code == 302
    assert _can_sign_in(app, user.email, "new secret")
    short = client.post(f"/admin/users/{user.id}/password", data={"new_password": "1234567"})
    assert short.status_code == 400
    html = short.get_data(as_text=True)
    assert _error(html, "new_password") == "The password must be 8 to 200 characters long."
    assert _can_sign_in(app, user.email, "new secret")


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_admins_manage_accounts(auth, client, make_user, role):
    user = make_user("viewer")
    auth.login(role)
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{user.id}"):
        assert client.get(url).status_code == 403, url
    posts = {
        "/admin/users/new": _form(),
        f"/admin/users/{user.id}": _form(email=user.email, role="admin"),
        f"/admin/users/{user.id}/active": {"active": "0"},
        f"/admin/users/{user.id}/password": {"new_password": "taken over"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert (user.role, user.is_active_user) == ("viewer", True)
    assert user.check_password("correct horse battery")


# --- My profile ------------------------------------------------------------------------


def _profile(**overrides):
    data = {"locale": "ko", "timezone": "Asia/Seoul", "working_hours": "", "current_password": "",
            "new_password": "", "new_password_repeat": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_profile_needs_login(client, db):
    response = client.get("/profile")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_navbar_links_to_the_profile(auth, client):
    auth.login("viewer", name_zh="王芳")
    html = client.get("/").get_data(as_text=True)
    assert '<summary class="nav-link dropdown-toggle user-menu-name">王芳</summary>' in html
    assert '<a class="dropdown-item" href="/profile">' in html  # first item of that menu


def test_viewer_changes_own_language_zone_and_hours(auth, client):
    user = auth.login("viewer", locale="en")
    assert client.get("/profile").status_code == 200
    data = _profile(timezone="Asia/Harbin", working_hours="mon-fri 8:00-16:00", locale="zh")
    response = client.post("/profile", data=data)
    assert response.status_code == 302 and response.location == "/profile"
    assert (user.locale, user.timezone, user.working_hours) == (
        "zh", "Asia/Shanghai", "Mon-Fri 08:00-16:00"
    )  # fmt: skip
    assert '<html lang="zh-CN">' in client.get("/profile").get_data(as_text=True)
    client.post("/profile", data=_profile(locale="", timezone="Asia/Seoul"))
    assert (user.locale, user.working_hours) == (None, KOREA_HOURS)


def test_profile_password_change_needs_the_current_password(app, auth, client):
    user = auth.login("coordinator", locale="en")
    cases = [
        (_profile(new_password="brand new pw", new_password_repeat="brand new pw"),
         "current_password", "Enter your current password to set a new one."),
        (_profile(current_password="wrong", new_password="brand new pw",
                  new_password_repeat="brand new pw"),
         "current_password", "The current password is not correct."),
        (_profile(current_password="correct horse battery", new_password="brand new pw",
                  new_password_repeat="brand new px"),
         "new_password_repeat", "The two new passwords are not the same."),
        (_profile(current_password="correct horse battery", new_password="short",
                  new_password_repeat="short"),
         "new_password", "The password must be 8 to 200 characters long."),
        (_profile(timezone="Mars/Olympus"), "timezone",
         "Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul."),
    ]  # fmt: skip
    for data, field, message in cases:
        response = client.post("/profile", data=data)
        assert response.status_code == 400, field
        assert _error(response.get_data(as_text=True), field) == message
    assert (user.locale, user.timezone) == ("en", "Asia/Shanghai")
    good = _profile(current_password="correct horse battery", new_password="brand new pw",
                    new_password_repeat="brand new pw")  # fmt: skip
    assert client.post("/profile", data=good).status_code == 302
    assert _can_sign_in(app, user.email, "brand new pw")
    assert not _can_sign_in(app, user.email, "correct horse battery")
