"""History list, partner and contact timelines: filters, grouping, merges, paging, bad input."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.extensions import db as _db
from tests.history_timeline_support import StatementCounter, add_meeting, at


def _titles(html: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="/meetings/\d+">([^<]*)</a>', html)


def _years(html: str) -> list[str]:
    return re.findall(r'<h2 class="h5 history-year" id="year-\d+">(\d+)</h2>', html)


@pytest.fixture
def history(auth, db, make_contact):
    """A coordinator reading Chinese, a Seoul contact and five exchanges over three years."""
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    contact = make_contact("seoul")
    made = {
        "old": add_meeting(user, at(2027, 3), title_zh="首尔 2027"),
        "mid": add_meeting(user, at(2028, 5), kind="signing", title_zh="首尔签约 2028",
                           outcome=("签署友好合作协议", "우호협력 협약 체결"), contacts=[contact]),
        "busan": add_meeting(user, at(2028, 9), partners=("busan",), title_zh="釜山 2028"),
        "new": add_meeting(user, at(2029, 2), status="confirmed", title_zh="首尔 2029",
                           contacts=[contact]),
        "draft": add_meeting(user, at(2029, 4), status="draft", title_zh="首尔草稿 2029"),
    }  # fmt: skip
    db.session.commit()
    return {"user": user, "contact": contact, **made}


def test_list_is_newest_first_grouped_by_year_with_both_clocks_and_outcome(client, history):
    html = client.get("/history/?status=all").get_data(as_text=True)
    assert _titles(html) == [
        "首尔草稿 2029",
        "首尔 2029",
        "釜山 2028",
        "首尔签约 2028",
        "首尔 2027",
    ]
    assert _years(html) == ["2029", "2028", "2027"]
    assert "2028年5月15日（周一）10:00–11:30（北京时间） / 11:00–12:30（首尔时间）" in html
    assert "签署友好合作协议" in html and "우호협력 협약 체결" not in html
    assert "王芳、金敏洙" in html  # participants (、 in Chinese): the organizer and the contact
    assert "首尔特别市" in html and "釜山广域市" in html
    assert "共 5 次交流，按时间倒序排列。" in html


def test_outcome_summary_in_the_readers_language(auth, client, history):
    auth.logout()
    auth.login("viewer", locale="ko")
    html = client.get("/history/?year=2028&status=all").get_data(as_text=True)
    assert "우호협력 협약 체결" in html and "签署友好合作协议" not in html
    assert "교류 이력" in html


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=signing&status=all", ["首尔签约 2028"]),
        ("year=2028&status=all", ["釜山 2028", "首尔签约 2028"]),
        ("status=confirmed", ["首尔 2029"]),
        ("partner=busan&status=all", ["釜山 2028"]),
        ("partner=seoul&year=2029&status=draft", ["首尔草稿 2029"]),
        ("kind=nonsense&status=<b>&page=x", ["首尔草稿 2029", "首尔 2029", "釜山 2028",
                                             "首尔签约 2028", "首尔 2027"]),
        ("year=2030", []),
    ],
)  # fmt: skip
def test_list_filters_and_ignores_garbage_kinds_and_statuses(client, history, query, titles):
    response = client.get(f"/history/?{query}")
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == titles


@pytest.mark.parametrize("year", ["abc", "1800", "99999", "2101", "20.5"])
def test_a_bad_year_is_refused_clearly(client, history, year):
    response = client.get(f"/history/?year={year}")
    assert response.status_code == 400
    assert "年份必须是 1992 到 2100 之间的数字。" in response.get_data(as_text=True)


def test_unknown_partner_is_404(client, history):
    assert client.get("/history/?partner=atlantis").status_code == 404
    assert client.get("/partners/atlantis/history").status_code == 404
    assert client.get("/contacts/999999/history").status_code == 404


def test_pages_of_50_and_a_fixed_number_of_statements(app, client, history, rendered_pages):
    user = history["user"]
    for day in range(55):
        add_meeting(user, at(2026, 1, 1) + timedelta(days=day), partners=("daegu",),
                    title_zh=f"大邱 {day:02d}")  # fmt: skip
    _db.session.commit()
    first = client.get("/history/?partner=daegu").get_data(as_text=True)
    assert len(_titles(first)) == 50 and _titles(first)[0] == "大邱 54"
    assert "第 1 页，共 2 页" in first
    second = client.get("/history/?partner=daegu&page=2").get_data(as_text=True)
    assert _titles(second) == ["大邱 04", "大邱 03", "大邱 02", "大邱 01", "大邱 00"]
    beyond = client.get("/history/?partner=daegu&page=99").get_data(as_text=True)
    assert _titles(beyond) == _titles(second)
    counts = []
    with app.app_context():
        engine = _db.session.get_bind().engine
    for query in ("partner=daegu", "partner=daegu&page=2", "partner=busan&status=all"):
        with StatementCounter(engine) as counter:
            assert client.get(f"/history/?{query}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] == counts[2], counts


def test_successor_timeline_includes_predecessors_marked(client, history):
    user = history["user"]
    add_meeting(user, at(2025, 4), partners=("gwangju",), title_zh="光州 2025")
    add_meeting(user, at(2026, 3), partners=("jeonnam",), kind="inspection", title_zh="全南 2026")
    add_meeting(user, at(2026, 9), partners=("jeonnam-gwangju",), title_zh="统合市 2026")
    _db.session.commit()
    html = client.get("/partners/jeonnam-gwangju/history").get_data(as_text=True)
    assert _titles(html) == ["统合市 2026", "全南 2026", "光州 2025"]
    assert html.count("来自光州广域市的交流记录") == 1
    assert html.count("来自全罗南道的交流记录") == 1
    assert "包含已并入该合作方的各方的交流记录。" in html
    merged = client.get("/partners/gwangju/history").get_data(as_text=True)
    assert _titles(merged) == ["光州 2025"]
    assert "已并入全南光州统合特别市。" in merged
    assert 'href="/partners/jeonnam-gwangju/history"' in merged
    filtered = client.get("/partners/jeonnam-gwangju/history?kind=inspection&partner=busan")
    assert _titles(filtered.get_data(as_text=True)) == ["全南 2026"]


def test_contact_timeline_lists_only_their_meetings(client, history):
    contact = history["contact"]
    html = client.get(f"/contacts/{contact.id}/history?status=all").get_data(as_text=True)
    assert _titles(html) == ["首尔 2029", "首尔签约 2028"]
    assert "金敏洙的交流记录" in html
    filtered = client.get(f"/contacts/{contact.id}/history?year=2028&status=held")
    assert _titles(filtered.get_data(as_text=True)) == ["首尔签约 2028"]


def test_partner_and_contact_pages_link_their_timelines(client, history):
    contact = history["contact"]
    assert 'href="/partners/seoul/history"' in client.get("/partners/seoul").get_data(as_text=True)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f'href="/contacts/{contact.id}/history"' in page


def test_titles_are_escaped(client, history):
    add_meeting(history["user"], at(2024), title_zh="<script>alert(1)</script>")
    _db.session.commit()
    html = client.get("/history/?year=2024").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_viewer_may_read_and_signed_out_is_sent_to_login(auth, client, history):
    auth.logout()
    auth.login("viewer", locale="zh")
    assert client.get("/partners/seoul/history").status_code == 200
    auth.logout()
    assert client.get("/history/").status_code == 302


def test_lists_start_with_the_exchanges_that_took_place(auth, client, db):
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    now = datetime.now(UTC)
    for days, status, title in [(-30, "held", "已举行的交流"), (-20, "confirmed", "已确认且已过"),
                                (-10, "draft", "过去的草稿"), (-5, "cancelled", "已取消的交流"),
                                (10, "confirmed", "将来的会议")]:  # fmt: skip
        add_meeting(user, now + timedelta(days=days), status=status, title_zh=title)
    _db.session.commit()
    html = client.get("/history/").get_data(as_text=True)
    assert _titles(html) == ["已确认且已过", "已举行的交流"]
    assert '<option value="past" selected>已举行和已过去的交流</option>' in html
    assert 'href="/history/export.csv?status=past"' in html  # the export keeps the filter
    assert _titles(client.get("/partners/seoul/history").get_data(as_text=True)) == [
        "已确认且已过",
        "已举行的交流",
    ]
    everything = client.get("/history/?status=all").get_data(as_text=True)
    assert _titles(everything) == ["将来的会议", "已取消的交流", "过去的草稿", "已确认且已过",
                                   "已举行的交流"]  # fmt: skip
    assert '<option value="all" selected>全部状态</option>' in everything
    assert _titles(client.get("/history/?status=draft").get_data(as_text=True)) == ["过去的草稿"]
    assert 'href="/history/export.csv?status=past"' in html
    exported = client.get("/history/export.csv?status=past").get_data(as_text=True)
    assert "已举行的交流" in exported and "将来的会议" not in exported
