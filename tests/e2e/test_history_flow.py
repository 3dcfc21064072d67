"""A leader reviews the relationship with Busan: records what a held meeting achieved, adds a
follow-up, then finds it on the partner's timeline, by a word of its minutes, in the statistics
and in the printable annual report."""

import re
import uuid
from datetime import datetime

import sqlalchemy as sa
from playwright.sync_api import expect

from scheduler.extensions import db
from tests.e2e.test_contact_flow import sign_in, switch_language

PLACE = "Asia/Shanghai"


def _held_meeting(app, organizer_email: str, marker: str) -> tuple[int, int]:
    """A past video link with Busan, held: (meeting id, organizer id)."""
    from zoneinfo import ZoneInfo

    from scheduler.auth.models import User
    from scheduler.meetings import services
    from scheduler.meetings.signals import meeting_changed
    from scheduler.partners.services import get_partner

    with app.app_context():
        organizer = db.session.scalar(sa.select(User).where(User.email == organizer_email))
        start = datetime(2025, 3, 12, 14, 30, tzinfo=ZoneInfo(PLACE))
        meeting = services.create_meeting(organizer, {
            "kind": "video_link", "title_zh": f"釜山港口物流视频连线 {marker}",
            "title_ko": f"부산 항만물류 화상회의 {marker}", "start_dt": start,
            "end_dt": start.replace(hour=16), "timezone": PLACE,
        }, [get_partner("busan")])  # fmt: skip
        meeting.status = "held"  # entered after the fact: nothing is sent
        db.session.flush()
        meeting_changed.send(meeting, change="held")
        db.session.commit()
        ids = meeting.id, organizer.id
        db.session.remove()
    return ids


def test_outcome_follow_up_timeline_search_statistics_and_report(page, live_user, live_server):
    marker = uuid.uuid4().hex[:6]
    meeting_id, organizer_id = _held_meeting(live_server.app, live_user.email, marker)
    sign_in(page, live_user)
    switch_language(page, "ko")

    page.goto(f"/meetings/{meeting_id}/outcome")
    page.locator("#summary_zh").fill("双方同意签署港口物流合作协议。")
    page.locator("#summary_ko").fill(f"양측은 항만물류 협약 체결에 합의했다 {marker}.")
    page.locator("#minutes").fill(
        "**부산항** 협약 논의\n\n[자료](javascript:alert(1)) <script>x</script>"
    )
    page.locator("#outcome-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting_id}$"))
    expect(page.locator("strong", has_text="부산항")).to_be_visible()
    expect(page.locator("a[href^='javascript']")).to_have_count(0)
    expect(page.locator("main script")).to_have_count(0)

    form = page.locator("#new-follow-up")
    form.locator("#title").fill(f"협력안 초안 제출 {marker}")
    form.locator("#owner_id").select_option(str(organizer_id))
    form.locator("#due_date").fill("2025-04-30")
    form.locator("button[type=submit]").click()
    expect(page.locator("#follow-ups")).to_contain_text(f"협력안 초안 제출 {marker}")

    page.goto("/partners/busan")
    page.locator('a[href="/partners/busan/history"]').first.click()
    expect(page).to_have_url(re.compile(r"/partners/busan/history"))
    row = page.locator(".history-row", has_text=marker)
    expect(row).to_contain_text(f"부산 항만물류 화상회의 {marker}")
    expect(row).to_contain_text(f"항만물류 협약 체결에 합의했다 {marker}")

    page.goto("/history/search")
    page.locator("#q").fill(marker)
    page.locator("#q").press("Enter")
    expect(page.locator("mark").first).to_have_text(marker)
    expect(page.locator(f'a[href="/meetings/{meeting_id}"]').first).to_be_visible()

    page.goto("/history/statistics?year=2025")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("svg[role=img] title").first).not_to_be_empty()

    page.goto("/history/report/2025?partner=busan&lang=zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("body")).to_contain_text(f"釜山港口物流视频连线 {marker}")
