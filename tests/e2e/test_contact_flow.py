"""A coordinator adds a Korean contact in the Korean UI and finds it again in the Chinese UI.

Elements are found by role, id, name or URL, never by translated wording, and the checks are on
data (names) and on <html lang>, so the tests hold whatever the catalogs say.
"""

import re
import uuid

from playwright.sync_api import Page, expect

from scheduler.security import CSP

HTML_LANG = {"zh": "zh-CN", "ko": "ko", "en": "en"}
SWITCHER_LABEL = {"zh": "中文", "ko": "한국어", "en": "English"}  # each in its own script


def sign_in(page: Page, user) -> None:
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(user.password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def switch_language(page: Page, code: str) -> None:
    """Signed in, the switch sits in the user menu (opened first); signed out, in the bar."""
    button = page.locator("form.language-switcher").get_by_role(
        "button", name=SWITCHER_LABEL[code], exact=True
    )
    if not button.is_visible():
        menu = page.locator("#user-menu > summary")
        if not menu.is_visible():  # a narrow screen: the bar is folded behind its toggler
            page.locator(".navbar-toggler").click()
        menu.click()
    button.click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[code])


def add_contact(page: Page, slug: str, fields: dict[str, str]) -> None:
    page.goto(f"/partners/{slug}")
    page.locator(f'a[href="/contacts/new/{slug}"]').click()
    expect(page).to_have_url(re.compile(rf"/contacts/new/{slug}$"))
    for field_id, value in fields.items():
        page.locator(f"#{field_id}").fill(value)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))


def search(page: Page, query: str) -> None:
    page.locator("#nav-search").fill(query)
    page.locator("#nav-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))


def test_add_korean_contact_then_find_it_in_chinese(page, live_user):
    email = f"jisu-{uuid.uuid4().hex[:8]}@example.kr"
    sign_in(page, live_user)
    switch_language(page, "ko")

    add_contact(
        page,
        "seoul",
        {
            "family_name_ko": "김",
            "given_name_ko": "지수",
            "family_name_zh": "金",
            "given_name_zh": "智秀",
            "email": email,
        },
    )
    expect(page.locator("main h1")).to_contain_text("김지수")

    search(page, "김")
    row = page.locator("#contact-results tbody tr", has_text=email)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text("김지수")
    expect(row.locator("td").nth(1)).to_have_text("서울특별시")
    expect(page.locator("#nav-search")).to_have_value("김")

    switch_language(page, "zh")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    row = page.locator("#contact-results tbody tr", has_text=email)
    expect(row.locator("td").first).to_have_text("金智秀")
    expect(row.locator("td").nth(1)).to_have_text("首尔特别市")


def test_language_choice_is_kept_for_the_next_sign_in(page, live_user, browser, live_server):
    sign_in(page, live_user)
    switch_language(page, "ko")

    fresh = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        other_page = fresh.new_page()
        sign_in(other_page, live_user)
        expect(other_page.locator("html")).to_have_attribute("lang", "ko")
    finally:
        fresh.close()


def test_wrong_password_keeps_the_user_on_the_login_page(page, live_user):
    page.goto("/login")
    page.locator("#email").fill(live_user.email)
    page.locator("#password").fill("not the password")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("main [role=alert]")).to_have_count(1)
    page.goto("/contacts/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def console_problems(page: Page) -> list[str]:
    """Console errors and uncaught page errors, collected while the page is in use."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_login_page_has_no_csp_violations(page):
    problems = console_problems(page)

    response = page.goto("/login")
    page.wait_for_load_state("load")

    assert response.headers["content-security-policy"] == CSP
    assert problems == []


def test_signed_in_pages_have_no_csp_violations(page, live_user):
    problems = console_problems(page)
    sign_in(page, live_user)
    for path in ("/", "/partners/seoul", "/contacts/new/seoul", "/search?q=%EA%B9%80"):
        page.goto(path)
        page.wait_for_load_state("load")

    assert problems == []


def test_console_listener_does_see_a_csp_violation(page):
    """Guards the two tests above: an inline script added to our page must be refused, loudly."""
    problems = console_problems(page)
    page.goto("/login")
    page.wait_for_load_state("load")

    with page.expect_console_message(lambda message: message.type == "error") as refusal:
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "document.documentElement.dataset.inline = 'ran'";
                document.body.append(script);
            }"""
        )

    assert "Content Security Policy" in refusal.value.text
    assert problems == [refusal.value.text]
    expect(page.locator("html")).not_to_have_attribute("data-inline", "ran")
