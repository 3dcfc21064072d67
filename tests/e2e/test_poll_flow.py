"""Agreeing on a time with a time poll, end to end: the coordinator ticks three suggestions of
the slot finder and asks a Korean contact and a Chinese colleague; the contact answers from
the mailed link in Korean on a phone-sized screen, the colleague in Chinese; the coordinator
books the best time through the confirmation page and both receive an invitation (ICS
REQUEST). While the poll is open the slot finder shows its times as held; after, not."""

import re
import uuid
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from scheduler.extensions import db
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_contact_flow import sign_in, switch_language

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(live_server):
    """A Busan contact who reads Korean and a Changchun colleague who reads Chinese: their
    person keys and addresses."""
    from scheduler.auth.services import create_user
    from scheduler.contacts.services import create_contact
    from scheduler.partners.services import get_partner

    tag = uuid.uuid4().hex[:8]
    contact_email, colleague_email = f"jiwoo-{tag}@busan.example.kr", f"liming-{tag}@example.cn"
    contact_data = {
        "family_name_ko": "박", "given_name_ko": "지우", "family_name_zh": "朴",
        "given_name_zh": "智友", "romanized_family": "Park", "romanized_given": "Jiwoo",
        "email": contact_email, "language": "ko", "timezone": "Asia/Seoul",
    }  # fmt: skip
    with live_server.app.test_request_context():
        contact = create_contact(get_partner("busan"), contact_data)
        colleague = create_user(colleague_email, "e2e horse battery", "coordinator",
                                name_zh="李明", name_ko="리밍", locale="zh",
                                timezone="Asia/Shanghai")  # fmt: skip
        db.session.commit()
        keys = {"contact": f"contact:{contact.id}", "colleague": f"user:{colleague.id}"}
        db.session.remove()
    return keys, {"contact": contact_email, "colleague": colleague_email}


def _outbox(live_server, kind: str, recipient: str):
    from scheduler.invites.outbox.models import OutboxMessage

    with live_server.app.app_context():
        query = sa.select(OutboxMessage).filter_by(kind=kind, recipient=recipient)
        rows = [message_from_bytes(m.raw, policy=policy.default) for m in db.session.scalars(query)]
        db.session.remove()
    return rows


def _answer_path(live_server, recipient: str) -> str:
    [mail] = _outbox(live_server, "poll_request", recipient)
    text = mail.get_body(("plain",)).get_content()
    return urlsplit(re.search(r"https?://\S+/polls/\S+", text).group(0)).path


def _answer(browser, live_server, path: str, locale: str, choices: list[str], viewport=None):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(path)
        cards = page.locator("li.poll-candidate")
        expect(cards).to_have_count(3)
        for card, choice in zip(cards.all(), choices, strict=True):
            card.locator(f"label[for$='-{choice}']").click()
        page.locator("#poll-answer button[type=submit]").click()
        return page, context
    except Exception:
        context.close()
        raise


def _find_a_time(page, keys: dict) -> None:
    """The slot finder for both people over one week of 2030."""
    page.goto("/meetings/find-a-time")
    page.locator("#participants").select_option([keys["contact"], keys["colleague"]])
    page.locator("#first_day").fill("2030-12-02")
    page.locator("#last_day").fill("2030-12-06")
    page.locator("#slot-form button[type=submit]").click()
    expect(page.locator("#slot-list")).to_be_visible()


def test_a_poll_from_the_slot_finder_to_the_invitations(browser, page, live_server, live_user,
                                                        people):  # fmt: skip
    keys, emails = people
    sign_in(page, live_user)
    switch_language(page, "zh")
    # The slot finder: both people, one week; tick three suggestions and ask.
    _find_a_time(page, keys)
    for number in (1, 2, 3):
        page.locator(f"#pick-{number}").check()
    page.locator("#ask-partner").click()
    # The draft meeting, prefilled with the people, the partner and the first time.
    expect(page.locator("#handoff-notes")).to_contain_text("请保存此会议草稿")
    page.locator("#title_zh").fill("长春—釜山港口物流视频连线")
    page.locator("#title_ko").fill("창춘-부산 항만물류 화상회의")
    page.locator("#meeting-form button[type=submit]").first.click()
    # The poll form with the three times; send it.
    expect(page.locator("#poll-suggested")).to_be_visible()
    page.locator("#closes_on").fill("2030-11-28")
    page.locator("#poll-form button[value=send]").click()
    expect(page.locator("#poll-grid")).to_be_visible()
    meeting_url = page.url
    # While the poll is open, its times are held for the people asked.
    _find_a_time(page, keys)
    # (the spread of suggestions may list only some of the three times again)
    expect(page.locator("li.slot-held").first).to_be_visible()
    expect(page.locator(".slot-hold").first).to_contain_text("长春—釜山港口物流视频连线")

    # The contact answers in Korean on a phone; the colleague in Chinese.
    contact_path = _answer_path(live_server, emails["contact"])
    phone, phone_context = _answer(browser, live_server, contact_path, "ko-KR",
                                   ["no", "yes", "if_need_be"], PHONE)  # fmt: skip
    try:
        expect(phone.locator("html")).to_have_attribute("lang", "ko")
        expect(phone.locator("main")).to_contain_text("회신이 기록되었습니다")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
    finally:
        phone_context.close()
    colleague_path = _answer_path(live_server, emails["colleague"])
    desk, desk_context = _answer(browser, live_server, colleague_path, "zh-CN",
                                 ["if_need_be", "yes", "no"])  # fmt: skip
    try:
        expect(desk.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(desk.locator("h1")).to_have_text("哪些时间对您合适？")
    finally:
        desk_context.close()

    # The coordinator books the best time (everyone said yes) through the confirmation page.
    page.goto(meeting_url)
    best = page.locator("#poll-grid thead th", has_text="排名第1")
    candidate_id = best.get_attribute("id").removeprefix("poll-candidate-")
    page.locator(f"#choose-{candidate_id}").click()
    expect(page.locator("h1")).to_have_text("确定此时间并确认会议？")
    expect(page.locator(".mailed-person")).to_have_count(2)
    expect(page.locator("#close-flags")).to_have_count(0)
    page.locator("#close-button").click()
    expect(page.locator("main")).to_contain_text("已确认会议，将向 2 人发送通知。")
    _find_a_time(page, keys)  # the holds are gone with the poll
    expect(page.locator(".slot-hold")).to_have_count(0)
    for address in emails.values():
        [invite] = _outbox(live_server, "invite_request", address)
        calendar = next(p for p in invite.walk() if p.get_content_type() == "text/calendar")
        assert calendar.get_param("method") == "REQUEST"
        assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
