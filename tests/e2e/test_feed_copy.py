"""The new subscription link's copy buttons: the clipboard where the browser allows it, else
the link selected for Ctrl+C. Checks are on data (the clipboard, the selection), not wording."""

from playwright.sync_api import expect

from tests.e2e.test_contact_flow import sign_in


def _new_partner_link(page, live_user) -> str:
    sign_in(page, live_user)
    page.goto("/partners/seoul")
    page.locator('form[action="/feeds/partner/seoul"] button[type=submit]').click()
    field = page.locator("#feed-https")
    expect(field).to_have_attribute("readonly", "")
    return field.input_value()


def test_copy_button_puts_the_link_on_the_clipboard(browser, live_server, live_user):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        link = _new_partner_link(page, live_user)
        button = page.locator('button[data-copy="feed-https"]')
        expect(button).to_be_visible()
        button.click()
        expect(page.locator("#feed-https-status")).to_have_text("The link has been copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link
    finally:
        context.close()


def test_without_a_clipboard_the_link_is_selected(browser, live_server, live_user):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    try:
        link = _new_partner_link(page, live_user)
        page.locator('button[data-copy="feed-webcal"]').click()
        webcal = page.locator("#feed-webcal")
        expect(webcal).to_be_focused()
        selected = webcal.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")
        assert selected == link.replace("http://", "webcal://", 1)
        expect(page.locator("#feed-webcal-status")).to_contain_text("Ctrl+C")
    finally:
        context.close()


def test_without_script_the_field_is_there_and_the_button_is_not(browser, live_server, live_user):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=False
    )
    page = context.new_page()
    try:
        link = _new_partner_link(page, live_user)
        assert link.startswith("http://127.0.0.1:")
        expect(page.locator('button[data-copy="feed-https"]')).to_be_hidden()
    finally:
        context.close()
