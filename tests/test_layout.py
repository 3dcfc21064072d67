"""The page frame (issue 12, item 1) over HTTP: favicon, the navigation bar's menus per role, the
language switch signed in and out, and distinct names for the search landmarks. How it looks in
a browser (one line at 1366 px, axe-core) is in tests/e2e/test_layout_a11y.py."""

import re

import pytest

ICO_MAGIC = b"\x00\x00\x01\x00"  # reserved 0, type 1 = icon
ADMIN_ONLY = ("/admin/users", "/admin/rooms", "/audit/", "/admin/holidays")
COORDINATION = ("/outbox/", "/replies/")


def _menu(html: str, menu_id: str) -> str:
    """The HTML of one <details> menu of the bar ('' when the page has none)."""
    found = re.search(rf'<details[^>]*id="{menu_id}".*?</details>', html, re.S)
    return found.group(0) if found else ""


def test_favicon_is_served_at_the_root_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data.startswith(ICO_MAGIC)
    assert int.from_bytes(response.data[4:6], "little") == 3  # 16, 32 and 48 px


def test_pages_link_the_svg_icon_with_the_ico_and_touch_icon_as_fallback(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = client.get("/static/img/apple-touch-icon.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG\r\n\x1a\n")


def test_unknown_icon_names_are_not_found(client):
    assert client.get("/favicon.png").status_code in (302, 404)  # no such page, no 500
    assert client.get("/static/img/no-such-icon.svg").status_code == 404


def test_admin_finds_mail_review_and_administration_in_one_menu(auth, client):
    auth.login("admin")
    html = client.get("/").get_data(as_text=True)
    menu = _menu(html, "manage-menu")
    for path in COORDINATION + ADMIN_ONLY:
        assert f'href="{path}"' in menu
    top_level = html.split('id="manage-menu"')[0]
    assert not any(f'href="{path}"' in top_level for path in COORDINATION + ADMIN_ONLY)


def test_coordinator_menu_has_mail_review_only(auth, client):
    auth.login("coordinator")
    menu = _menu(client.get("/").get_data(as_text=True), "manage-menu")
    assert all(f'href="{path}"' in menu for path in COORDINATION)
    assert not any(f'href="{path}"' in menu for path in ADMIN_ONLY)


def test_viewer_has_no_manage_menu(auth, client):
    auth.login("viewer")
    html = client.get("/").get_data(as_text=True)
    assert _menu(html, "manage-menu") == ""
    assert not any(f'href="{path}"' in html for path in COORDINATION + ADMIN_ONLY)


@pytest.mark.parametrize("lang, label", [("zh", "管理"), ("ko", "관리"), ("en", "Manage")])
def test_manage_menu_is_translated(auth, client, lang, label):
    auth.login("coordinator")
    client.post("/language", data={"lang": lang, "next": "/"})
    menu = _menu(client.get("/").get_data(as_text=True), "manage-menu")
    assert f'<summary class="nav-link dropdown-toggle">{label}</summary>' in menu


def test_user_menu_holds_profile_language_and_sign_out(auth, client):
    auth.login("viewer", name_zh="王芳", name_ko="왕팡")
    client.post("/language", data={"lang": "ko", "next": "/"})
    menu = _menu(client.get("/partners/").get_data(as_text=True), "user-menu")
    assert '<summary class="nav-link dropdown-toggle user-menu-name">왕팡</summary>' in menu
    assert 'href="/profile"' in menu and 'action="/logout"' in menu
    assert 'class="language-switcher"' in menu
    assert '<input type="hidden" name="next" value="/partners/">' in menu
    assert re.search(
        r'value="ko" lang="ko"\s+class="dropdown-item active"\s+aria-current="true"', menu
    )


def test_signed_out_pages_keep_the_language_buttons_in_the_bar(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'id="user-menu"' not in html
    assert '<form method="post" action="/language" class="language-switcher d-flex"' in html
    assert html.count('name="lang"') == 3


def test_bad_language_choice_falls_back_without_error(auth, client):
    auth.login("coordinator")
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "path, page_form",
    [
        ("/search?q=busan", 'role="search" aria-labelledby="search-title"'),
        ("/history/search?q=busan", 'role="search" aria-labelledby="history-search-title"'),
    ],
)
def test_two_search_forms_on_a_page_have_distinct_names(auth, client, path, page_form):
    auth.login("viewer")
    html = client.get(path).get_data(as_text=True)
    assert html.count('role="search"') == 2
    assert page_form in html
    assert re.search(r'role="search"[^>]*\s+aria-label="[^"]+"', html)  # the bar's search
