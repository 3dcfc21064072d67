"""A coordinator books a video link from the slot finder without retyping anything, and sees a
holiday warning appear on the meeting form while typing the time."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from scheduler.extensions import db
from tests.e2e.test_contact_flow import sign_in


@pytest.fixture
def busan_contact(live_server):
    """An active Busan contact in the live database: (key, label in English)."""
    from scheduler.contacts.services import create_contact
    from scheduler.partners.services import get_partner

    data = {
        "family_name_ko": "김",
        "given_name_ko": "서연",
        "family_name_zh": "金",
        "given_name_zh": "瑞妍",
        "romanized_family": "Kim",
        "romanized_given": "Seoyeon",
        "email": f"seoyeon-{uuid.uuid4().hex[:8]}@busan.example.kr",
        "language": "ko",
        "timezone": "Asia/Seoul",
    }
    with live_server.app.app_context():
        contact = create_contact(get_partner("busan"), data)
        db.session.commit()
        key = f"contact:{contact.id}"
        db.session.remove()
    return key, "Seoyeon KIM · Busan"


def test_slot_finder_hands_people_partner_and_time_to_a_saved_meeting(
    page, live_user, busan_contact
):
    key, label = busan_contact
    sign_in(page, live_user)
    page.goto("/meetings/find-a-time")
    expect(page.locator(f'#participants option[value="{key}"]')).to_have_text(label)
    own = page.locator("#participants option", has_text=live_user.email).get_attribute("value")
    page.locator("#participants").select_option([own, key])
    page.locator("#first_day").fill("2030-12-02")
    page.locator("#last_day").fill("2030-12-03")
    page.locator("#notice").fill("0")
    page.locator("#slot-form button[type=submit]").click()
    expect(page.locator("#slot-list li")).to_have_count(8)  # 2 days × 2 half-days × 2

    page.locator("#slot-list a").first.click()
    expect(page).to_have_url(re.compile(r"/meetings/new\?"))
    selected = page.locator("#participants option:checked")
    expect(selected).to_have_count(2)
    expect(page.locator("#partners option:checked")).to_have_text(["Busan"])
    expect(page.locator("#start_local")).to_have_value("2030-12-02T09:00")
    expect(page.locator("#end_local")).to_have_value("2030-12-02T10:00")

    page.locator("#title_zh").fill("长春—釜山港口物流视频连线")
    page.locator("#title_ko").fill("창춘-부산 항만물류 화상회의")
    page.locator("#meeting-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    expect(page.locator("#participants li")).to_have_count(2)
    expect(page.locator("#participants")).to_contain_text("Seoyeon KIM")


def test_holiday_warning_appears_while_typing(page, live_user, busan_contact):
    key, _label = busan_contact
    sign_in(page, live_user)
    page.goto("/meetings/new")
    warnings = page.locator("#time-warnings")
    page.locator("#participants").select_option([key])
    page.locator("#timezone").fill("Asia/Shanghai")
    page.locator("#start_local").fill("2030-12-25T09:00")
    page.locator("#end_local").fill("2030-12-25T10:00")
    expect(warnings).to_be_visible()
    expect(page.locator("#time-warnings-list li")).to_have_text(["Korea: Christmas Day"])

    page.locator("#start_local").fill("2030-12-24T19:00")
    page.locator("#end_local").fill("2030-12-24T20:00")
    expect(page.locator("#time-warnings-list li")).to_have_text(
        ["Seoyeon KIM · Busan: outside working hours (20:00–21:00 Seoul)"]
    )

    page.locator("#start_local").fill("2030-12-24T09:00")
    page.locator("#end_local").fill("2030-12-24T10:00")
    expect(warnings).to_be_hidden()
