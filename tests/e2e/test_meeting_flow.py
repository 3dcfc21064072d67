"""A coordinator plans a video link: the other side's clock follows the typed time."""

import re

from playwright.sync_api import expect

from tests.e2e.test_contact_flow import sign_in, switch_language


def test_meeting_form_shows_seoul_clock_while_typing_and_saves(page, live_user):
    sign_in(page, live_user)
    switch_language(page, "zh")
    page.goto("/meetings/new")
    page.locator("#title_zh").fill("长春—首尔视频连线")
    page.locator("#title_ko").fill("창춘-서울 화상회의")
    page.locator("#timezone").fill("Asia/Shanghai")
    page.locator("#start_local").fill("2030-12-03T14:30")
    page.locator("#end_local").fill("2030-12-03T16:00")
    expect(page.locator("#start_local-other")).to_contain_text("15:30")
    expect(page.locator("#start_local-other")).to_contain_text("首尔时间")
    expect(page.locator("#end_local-other")).to_contain_text("17:00")

    page.locator("#timezone").fill("Asia/Seoul")
    expect(page.locator("#start_local-other")).to_contain_text("13:30")
    expect(page.locator("#start_local-other")).to_contain_text("北京时间")

    page.locator("#timezone").fill("Asia/Shanghai")
    page.locator("#meeting-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    expect(page.locator("#meeting-time")).to_have_text(
        "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
    )


def test_series_form_shows_only_the_chosen_patterns_controls(page, live_user):
    sign_in(page, live_user)
    switch_language(page, "zh")
    page.goto("/meetings/series/new")
    weekly, by_date = page.locator("[data-pattern=weekly]"), page.locator("#month_day")
    by_weekday = page.locator("#week_of_month")
    expect(page.locator("label[for=pattern]")).to_have_text("重复类型")
    page.locator("#pattern").select_option("weekly")
    expect(weekly).to_be_visible()
    expect(by_date).to_be_hidden()
    expect(by_weekday).to_be_hidden()
    page.locator("#pattern").select_option("monthly_weekday")
    expect(weekly).to_be_hidden()
    expect(by_weekday).to_be_visible()
    expect(page.locator("#month_weekday")).to_be_visible()
    page.locator("#pattern").select_option("monthly_date")
    expect(by_date).to_be_visible()
    expect(by_weekday).to_be_hidden()
    page.locator("#ends").select_option("until")
    expect(page.locator("#until")).to_be_visible()
    expect(page.locator("#count")).to_be_hidden()


def test_series_form_without_script_shows_every_control(browser, live_server, live_user):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_user)
        page.goto("/meetings/series/new")
        for control in ("[data-pattern=weekly]", "#month_day", "#week_of_month", "#count",
                        "#until"):  # fmt: skip
            expect(page.locator(control)).to_be_visible()
    finally:
        context.close()
