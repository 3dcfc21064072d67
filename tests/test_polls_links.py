"""The rules of an answer link once its poll is no longer open, in the reader's language: a
closed poll's page says which time was chosen (on the reader's clock first) and a POST is
refused (409) with that page; a withdrawn poll's page says so; a poll past its closing date
takes no answers; 30 days after the poll ended (its closing date, or its closing when later)
the link answers 410. Nothing is ever changed."""

from datetime import timedelta

import pytest

from scheduler.audit.models import AuditEntry
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.limits.models import LimitHit
from scheduler.polls.models import PollAnswer
from scheduler.polls.tokens import seal
from tests.conftest import count
from tests.polls_support import answer_path, invitee_of, propose, the_poll

CHOSEN_ZH = "12月11日（周三）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）"
CHOSEN_KO = "12월 11일(수) 11:00~12:00(한국 시간) / 10:00~11:00(중국 시간)"
EXPIRED_ZH = "本次时间征询结束已超过30天，回复链接已失效。"
EXPIRED_KO = "이번 일정 조율은 종료된 지 30일이 지나 회신 링크를 더 이상 사용할 수 없습니다."
UNCHANGED_ZH = "未作任何更改。如仍需回复，请直接与会议承办人联系。"
UNCHANGED_KO = "변경된 내용이 없습니다. 회신을 원하시면 담당자에게 직접 연락해 주시기 바랍니다."


def _staff_post(client, draft, poll, action: str, **data):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/{action}"
    assert client.post(url, data=data).status_code == 302


@pytest.fixture
def closed(client, auth, draft, chinese_poll):
    """The poll closed on its second time by the coordinator, who then signs out."""
    _staff_post(client, draft, chinese_poll, "close", candidate=chinese_poll.candidates[1].id)
    auth.logout()
    return the_poll(draft)


@pytest.fixture
def withdrawn(client, auth, draft, chinese_poll):
    _staff_post(client, draft, chinese_poll, "withdraw")
    auth.logout()
    return the_poll(draft)


def _links(app, draft, poll) -> dict:
    return {who: answer_path(app, invitee_of(poll, draft[who])) for who in ("kim", "li")}


def _all_yes(poll) -> dict:
    return {f"choice-{c.id}": "yes" for c in poll.candidates}


def _nothing_recorded(draft) -> None:
    poll = the_poll(draft)
    assert [i.answered_at for i in poll.invitees] == [None, None]
    assert count(PollAnswer) == 0
    assert count(AuditEntry, AuditEntry.action == "poll_answer") == 0


def _ended(draft, days: float, closed_days: float | None = None) -> None:
    """Move the closing date (and the closing, if given) *days* into the past."""
    poll = the_poll(draft)
    poll.closes_at = now_utc() - timedelta(days=days)
    if closed_days is not None:
        poll.closed_at = now_utc() - timedelta(days=closed_days)
    db.session.commit()


def test_closed_poll_names_the_chosen_time_on_each_readers_clock(app, client, draft, closed):
    links = _links(app, draft, closed)
    li_page = client.get(links["li"]).get_data(as_text=True)
    assert '<html lang="zh-CN">' in li_page
    assert f"会议时间已确定：{CHOSEN_ZH}。会议邀请将另行通过电子邮件发送。" in li_page
    kim_page = client.get(links["kim"]).get_data(as_text=True)
    assert f"회의 일시가 확정되었습니다: {CHOSEN_KO}." in kim_page
    assert 'type="submit"' not in kim_page.split('id="poll-answer"')[1]


@pytest.mark.parametrize(
    ("who", "refusal", "chosen"),
    [
        ("li", "本次时间征询已截止，不再接受回复。", CHOSEN_ZH),
        ("kim", "이번 일정 조율은 마감되어 더 이상 회신을 받지 않습니다.", CHOSEN_KO),
    ],
)
def test_an_answer_to_a_closed_poll_is_refused_with_its_page(
    app, client, draft, closed, who, refusal, chosen
):
    response = client.post(_links(app, draft, closed)[who], data=_all_yes(closed))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert refusal in page and chosen in page
    _nothing_recorded(draft)


def test_withdrawn_poll_says_so_in_korean_and_chinese(app, client, draft, withdrawn):
    links = _links(app, draft, withdrawn)
    kim_page = client.get(links["kim"]).get_data(as_text=True)
    assert "이번 일정 조율은 철회되었습니다. 회신하지 않으셔도 됩니다." in kim_page
    assert 'type="submit"' not in kim_page.split('id="poll-answer"')[1]
    li_page = client.get(links["li"]).get_data(as_text=True)
    assert "本次时间征询已撤回，无需回复。" in li_page
    refused = client.post(links["kim"], data=_all_yes(withdrawn))
    assert refused.status_code == 409
    assert "이번 일정 조율은 철회되었습니다." in refused.get_data(as_text=True)
    _nothing_recorded(draft)


@pytest.fixture
def kim_link(app, client, auth, draft) -> str:
    """김민수's link to the draft's poll, still open (the tests move its closing date back)."""
    auth.login()
    assert propose(client, draft).status_code == 302
    auth.logout()
    return answer_path(app, invitee_of(the_poll(draft), draft["kim"]))


def test_past_the_closing_date_the_page_shows_but_takes_no_answer(client, draft, kim_link):
    _ended(draft, days=29)
    page = client.get(kim_link).get_data(as_text=True)
    assert 'id="poll-ended"' in page
    assert "이번 일정 조율은 마감되어 더 이상 회신을 받지 않습니다." in page
    assert client.post(kim_link, data=_all_yes(the_poll(draft))).status_code == 409
    _nothing_recorded(draft)


def test_an_open_poll_link_expires_30_days_after_the_closing_date(client, draft, kim_link):
    _ended(draft, days=30.01)
    poll = the_poll(draft)
    for method in (client.get, client.post):
        response = method(kim_link, data=_all_yes(poll))
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert '<html lang="ko">' in page  # the person's language, not the browser's
        assert EXPIRED_KO in page and UNCHANGED_KO in page
    _nothing_recorded(draft)
    assert count(LimitHit) == 0  # a dead link is not counted either


def test_a_closed_poll_link_lives_30_days_after_the_closing(app, client, draft, closed):
    link = _links(app, draft, closed)["li"]
    _ended(draft, days=45, closed_days=29.9)  # closed late, after overrunning its date
    assert client.get(link).status_code == 200
    _ended(draft, days=45, closed_days=30.01)
    for response in (client.get(link), client.post(link, data=_all_yes(closed))):
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert EXPIRED_ZH in page and UNCHANGED_ZH in page
        assert CHOSEN_ZH not in page
    _nothing_recorded(draft)


def test_a_foreign_link_is_refused_in_the_browsers_language(app, client, draft, closed):
    kim = invitee_of(closed, draft["kim"])
    with app.test_request_context():
        foreign = f"/polls/{seal(kim.id, closed.id + 1)}"
    response = client.get(foreign, headers={"Accept-Language": "zh"})
    assert response.status_code == 404
    assert "该回复链接不属于任何时间征询。" in response.get_data(as_text=True)
    assert client.post(foreign, data=_all_yes(closed)).status_code == 404
    _nothing_recorded(draft)
