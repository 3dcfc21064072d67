"""Closing a poll goes through a confirmation page: the chosen time on both clocks, who will
be mailed, who said No or "if need be" or never answered; a clash with people asks for a
reason, an interpreter or room clash refuses. The GET changes nothing; the button posts."""

import html
import re

import pytest

from scheduler.extensions import db
from scheduler.meetings.models import Participant
from tests.invites_support import add_person, outbox_rows
from tests.polls_support import answer, book_room_at, meeting, the_poll


@pytest.fixture
def poll(chinese_poll):
    return chinese_poll


def _url(draft, poll) -> str:
    return f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"


def _text(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|li|div|ul)>', page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()))


def _unchanged(draft) -> None:
    assert (meeting(draft).status, the_poll(draft).status) == ("draft", "open")
    assert outbox_rows("invite_request") == []


def test_the_page_names_who_is_mailed_and_flags_no_and_silence_in_chinese(app, client, draft, poll):
    answer(client, app, poll, draft["kim"], ["no", "if_need_be", "yes"])
    chosen = poll.candidates[0]
    response = client.get(_url(draft, poll), query_string={"candidate": chosen.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 class="h3 mb-3">确定此时间并确认会议？</h1>' in page
    assert (
        _text(page, "close-time")
        == "12月10日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
    )
    assert _text(page, "flag-no") == "对此时间回复“不行”：金敏洙 · 首尔特别市"
    assert _text(page, "flag-silent") == "未回复：李明"
    assert 'id="flag-if-need-be"' not in page
    mailed = re.findall(r'class="list-group-item mailed-person">(.*?) · <span', page)
    assert mailed == ["金敏洙 · 首尔特别市", "李明"]
    assert "将向以下 2 人发送邮件：" in page
    assert 'name="override_reason"' not in page
    _unchanged(draft)


def test_the_page_in_korean_flags_if_need_be(app, client, auth, draft, poll):
    answer(client, app, poll, draft["kim"], ["no", "if_need_be", "yes"])
    answer(client, app, poll, draft["li"], ["yes", "if_need_be", "no"])
    auth.logout()
    auth.login(locale="ko", timezone="Asia/Seoul")
    chosen = poll.candidates[1]
    page = client.get(_url(draft, poll), query_string={"candidate": chosen.id}).get_data(
        as_text=True
    )
    assert "이 시간으로 회의를 확정하시겠습니까?" in page
    assert (
        _text(page, "close-time") == "12월 11일(수) 11:00~12:00(한국 시간) / 10:00~11:00(중국 시간)"
    )
    assert (
        _text(page, "flag-if-need-be")
        == "이 시간에 ‘조정 가능’으로 회신한 사람: 김민수 · 서울특별시, 왕팡"
    )
    assert 'id="flag-no"' not in page and 'id="flag-silent"' not in page
    _unchanged(draft)


def test_the_button_books_the_time_and_the_flash_counts_the_mail(app, client, draft, poll):
    chosen = poll.candidates[2]
    response = client.post(_url(draft, poll), data={"candidate": chosen.id})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已确认会议，将向 2 人发送通知。" in page
    assert meeting(draft).start_dt == chosen.start_dt
    assert len(outbox_rows("invite_request")) == 2


def _busy_colleague(app, draft, chosen, make_meeting):
    colleague = db.session.get(Participant, draft["li"]).user
    other = make_meeting(start_dt=chosen.start_dt, end_dt=chosen.end_dt, title_zh="另一会议")
    add_person(app, other.id, colleague)


def test_a_clash_with_people_needs_a_reason(app, client, draft, poll, make_meeting):
    chosen = poll.candidates[0]
    _busy_colleague(app, draft, chosen, make_meeting)
    page = client.get(_url(draft, poll), query_string={"candidate": chosen.id}).get_data(
        as_text=True
    )
    assert "李明在该时段已有以下安排：" in page
    assert 'name="override_reason" required' in page
    refused = client.post(_url(draft, poll), data={"candidate": chosen.id, "override_reason": " "})
    assert refused.status_code == 409
    assert "部分参加人员在该时间已有会议。" in refused.get_data(as_text=True)
    assert 'id="close-form"' in refused.get_data(as_text=True)
    _unchanged(draft)
    reason = {"candidate": chosen.id, "override_reason": "领导要求"}
    assert client.post(_url(draft, poll), data=reason).status_code == 302
    assert (meeting(draft).status, the_poll(draft).status) == ("confirmed", "closed")


def test_a_booked_room_refuses_with_the_reason_and_no_button(client, draft, poll, make_meeting):
    chosen = poll.candidates[0]
    book_room_at(draft, chosen, make_meeting)
    response = client.get(_url(draft, poll), query_string={"candidate": chosen.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _text(page, "close-refused") == "会议室“第一会议室”在该时间已被预订。"
    assert 'id="close-form"' not in page
    _unchanged(draft)


def test_bad_candidates_and_closed_polls(client, draft, poll):
    assert client.get(_url(draft, poll), query_string={"candidate": "x"}).status_code == 404
    assert client.get(_url(draft, poll)).status_code == 404
    other = f"/meetings/{draft['meeting_id'] + 1}/polls/{poll.id}/close"
    assert client.get(other, query_string={"candidate": poll.candidates[0].id}).status_code == 404
    chosen = poll.candidates[0]
    assert client.post(_url(draft, poll), data={"candidate": chosen.id}).status_code == 302
    again = client.get(_url(draft, poll), query_string={"candidate": chosen.id})
    assert again.status_code == 400
    assert _text(again.get_data(as_text=True), "close-refused") == "该时间征询已结束。"


def test_the_grid_links_each_time_to_its_confirmation_page(client, draft, poll):
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    for candidate in poll.candidates:
        link = f'href="{_url(draft, poll)}?candidate={candidate.id}"'
        assert link in page
