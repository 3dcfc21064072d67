"""A coordinator cancels a confirmed video link: the button opens a confirmation page that
names who will be e-mailed, and the result says how many invitations are queued."""

import re
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from scheduler.extensions import db
from tests.e2e.test_contact_flow import sign_in, switch_language


@pytest.fixture
def confirmed_meeting(live_server, live_user):
    """A confirmed video link with a Busan contact, organised by the live user: its id and
    the contact's address."""
    from scheduler.auth.models import User
    from scheduler.contacts.services import create_contact
    from scheduler.meetings import services
    from scheduler.partners.services import get_partner

    email = f"seoyeon-{uuid.uuid4().hex[:8]}@busan.example.kr"
    contact_data = {
        "family_name_ko": "김", "given_name_ko": "서연", "family_name_zh": "金",
        "given_name_zh": "瑞妍", "romanized_family": "Kim", "romanized_given": "Seoyeon",
        "email": email, "language": "ko", "timezone": "Asia/Seoul",
    }  # fmt: skip
    meeting_data = {
        "kind": "video_link", "title_zh": "长春—釜山港口物流视频连线",
        "title_ko": "창춘-부산 항만물류 화상회의", "timezone": "Asia/Shanghai",
        "start_dt": datetime(2030, 12, 4, 1, 0, tzinfo=UTC),
        "end_dt": datetime(2030, 12, 4, 2, 0, tzinfo=UTC),
    }  # fmt: skip
    with live_server.app.test_request_context():
        organizer = db.session.scalars(sa.select(User).filter_by(email=live_user.email)).one()
        busan = get_partner("busan")
        meeting = services.create_meeting(organizer, meeting_data, [busan])
        services.add_participant(meeting, contact=create_contact(busan, contact_data))
        services.confirm(meeting)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id, email


def test_cancelling_goes_through_a_page_naming_who_is_mailed(page, live_user, confirmed_meeting):
    meeting_id, email = confirmed_meeting
    sign_in(page, live_user)
    switch_language(page, "zh")
    page.goto(f"/meetings/{meeting_id}")
    page.locator("#action-cancel").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}/cancel$"))
    expect(page.locator("h1")).to_have_text("取消此会议吗？")
    expect(page.locator(".mailed-person")).to_have_text([f"金瑞妍 · 釜山广域市 · {email}"])
    page.locator("#reason").fill("釜山方面内部日程调整")
    page.locator("#confirm-button").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}$"))
    expect(page.locator("main")).to_contain_text("已取消会议，将向 1 人发送通知。")
    expect(page.locator("main")).to_contain_text("釜山方面内部日程调整")
