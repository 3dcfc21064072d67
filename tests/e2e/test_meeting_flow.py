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
