"""Polls beyond the meeting page: the dashboard's "waiting for answers" panel, the partner's
timeline, and the audit log's readable entries for opening, answering, closing, withdrawing."""

import html
import re

import pytest

from tests.polls_support import answer


@pytest.fixture
def poll(chinese_poll):
    return chinese_poll


def _plain(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def _part(page: str, pattern: str) -> str:
    return _plain(re.search(pattern, page, re.S).group(1))


def _relogin(auth, locale: str, zone: str) -> None:
    auth.logout()
    auth.login(locale=locale, timezone=zone)


def test_the_dashboard_lists_open_polls_with_answered_of_asked_in_chinese(app, client, draft, poll):
    answer(client, app, poll, draft["kim"], ["yes", "no", "yes"])
    page = client.get("/").get_data(as_text=True)
    assert _part(page, r'id="dashboard-polls-heading">(.*?)</h2>') == "待回复的时间征询 1"
    assert _part(page, r'id="polls-explained">(.*?)</p>') == (
        "以下时间征询已发给合作方和同事，仍在收集回复：可查看谁已回复，再确定对各方最合适的时间。"
    )
    row = _part(page, rf'id="open-poll-{poll.id}">(.*?)</tr>')
    assert row == "中韩视频连线 首尔特别市 已回复 1/2 人 12月5日（周四）"
    assert f'href="/meetings/{draft["meeting_id"]}#poll"' in page


def test_the_dashboard_panel_in_korean_and_empty_once_closed(app, client, auth, draft, poll):
    _relogin(auth, "ko", "Asia/Seoul")
    page = client.get("/").get_data(as_text=True)
    assert _part(page, r'id="polls-explained">(.*?)</p>') == (
        "협력 기관과 직원에게 후보 시간을 보내 회신을 받고 있는 일정 조율입니다. "
        "회신 현황을 확인한 뒤 모두에게 가장 알맞은 시간으로 확정하십시오."
    )
    row = _part(page, rf'id="open-poll-{poll.id}">(.*?)</tr>')
    assert row == "한중 화상회의 서울특별시 회신 0명 / 요청 2명 12월 5일(목)"
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": poll.candidates[0].id}).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert _part(page, r'id="no-open-polls">(.*?)</p>') == "회신을 기다리는 일정 조율이 없습니다."


def test_viewers_do_not_see_the_panel(client, auth, draft, poll):
    auth.logout()
    auth.login("viewer", locale="zh")
    assert 'id="dashboard-polls"' not in client.get("/").get_data(as_text=True)


def test_the_partner_timeline_shows_opened_and_closed_with_the_time(client, draft, poll):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": poll.candidates[1].id}).status_code == 302
    page = client.get("/partners/seoul/history?status=all").get_data(as_text=True)
    events = [_plain(e) for e in re.findall(r'<li class="poll-event">(.*?)</li>', page, re.S)]
    assert len(events) == 2
    assert re.fullmatch(
        r".+（北京时间） · 时间征询已定 · 中韩视频连线 · "
        r"12月11日（周三）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）",
        events[0],
    ), events[0]
    assert re.fullmatch(r".+（北京时间） · 发起时间征询 · 中韩视频连线", events[1]), events[1]
    other = client.get("/partners/busan/history?status=all").get_data(as_text=True)
    assert 'id="poll-events"' not in other


def test_a_withdrawn_poll_on_the_korean_timeline(client, auth, draft, poll):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/withdraw"
    assert client.post(url).status_code == 302
    _relogin(auth, "ko", "Asia/Seoul")
    page = client.get("/partners/seoul/history?status=all").get_data(as_text=True)
    events = [_plain(e) for e in re.findall(r'<li class="poll-event">(.*?)</li>', page, re.S)]
    assert [e.split(" · ", 1)[1] for e in events] == [
        "일정 조율 철회 · 한중 화상회의",
        "일정 조율 요청 · 한중 화상회의",
    ]


def _tight(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", fragment).split()))


def _audit_rows(page: str) -> list[tuple[str, list[str]]]:
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        action = re.search(r'<td class="action">(.*?)</td>', row, re.S)
        changes = re.search(r'<td class="changes">(.*?)</td>', row, re.S)
        if action and changes:
            items = re.findall(r"<li>(.*?)</li>", changes.group(1), re.S)
            rows.append((_tight(action.group(1)), [_tight(i) for i in items]))
    return rows


def test_the_audit_log_reads_a_polls_life_in_chinese(app, client, auth, draft, poll):
    answer(client, app, poll, draft["kim"], ["yes", "if_need_be", "no"])
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": poll.candidates[0].id}).status_code == 302
    auth.logout()
    auth.login("admin", locale="zh", timezone="Asia/Shanghai")
    rows = dict(_audit_rows(client.get("/audit/?object_type=polls").get_data(as_text=True)))
    assert rows["时间征询已定"] == ["确定的时间：— → 12月10日（周二）14:30（北京时间）"]
    assert rows["回复时间征询"] == [
        "征询对象：— → 金敏洙",
        "回复：— → 可以 / 可调整 / 不行",
    ]
    opened = rows["发起时间征询"]
    assert opened[0] == (
        "备选时间：— → 12月10日（周二）14:30（北京时间）、"
        "12月11日（周三）10:00（北京时间）、12月12日（周四）15:00（北京时间）"
    )
    assert opened[2].startswith("截止日期：— → 12月6日（周五）00:00（北京时间）")


def test_the_audit_log_names_a_withdrawal_in_korean(client, auth, draft, poll):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/withdraw"
    assert client.post(url).status_code == 302
    auth.logout()
    auth.login("admin", locale="ko", timezone="Asia/Seoul")
    page = client.get("/audit/?object_type=polls").get_data(as_text=True)
    actions = [action for action, _changes in _audit_rows(page)]
    assert "일정 조율 철회" in actions and "일정 조율 요청" in actions
    assert "상태: 조율 중 → 철회" in [c for _a, changes in _audit_rows(page) for c in changes]
