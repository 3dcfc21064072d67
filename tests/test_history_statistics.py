"""Statistics and the annual report: figures from SQL, SVG charts a screen reader can name,
tables beside them, in Chinese and Korean, and bad input."""

import re
import xml.etree.ElementTree as ET  # noqa: N817
from datetime import UTC, date, datetime

import pytest

from scheduler.extensions import db as _db
from scheduler.partners.services import get_partner
from scheduler.visits.models import Visit
from tests.history_timeline_support import StatementCounter, add_follow_up, add_meeting, at

SVG = "{http://www.w3.org/2000/svg}"


def _svgs(html: str) -> dict[str, ET.Element]:
    """Every inline chart of the page, parsed, by its id."""
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, re.S)
    roots = [ET.fromstring(svg) for svg in found]  # noqa: S314 - our own output
    return {root.get("id"): root for root in roots}


def _texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if t.text]


def _figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)", html)
    return match.group(1).strip() if match else ""


@pytest.fixture
def exchanges(auth, db):
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    add_meeting(user, at(2027, 3))
    add_meeting(user, at(2027, 11), partners=("busan",))
    held = add_meeting(user, at(2028, 3))
    add_follow_up(held, user, status="done")
    add_follow_up(held, user, status="open", due=date(2026, 1, 15))
    add_meeting(user, at(2028, 5), kind="inbound_visit")
    visit = Visit(
        direction="inbound",
        start_date=date(2028, 6, 1),
        end_date=date(2028, 6, 3),
        title_zh="首尔代表团来访",
        organizer=user,
        partners=[get_partner("seoul")],
    )
    _db.session.add(visit)
    add_meeting(user, at(2028, 6, 2), kind="inbound_visit", visit=visit)
    add_meeting(user, at(2028, 7), kind="outbound_visit", outcome=("考察成果", "시찰 성과"))
    add_meeting(user, at(2028, 8), kind="signing", status="confirmed")
    add_meeting(user, at(2028, 9), status="cancelled")
    add_meeting(user, at(2028, 10), status="draft")
    # 17:00 UTC on 31 December is 01:00 on 1 January in Changchun.
    add_meeting(user, datetime(2028, 12, 31, 17, tzinfo=UTC), partners=("busan",),
                status="tentative")  # fmt: skip
    db.session.commit()
    return user


def test_figures_count_exchanges_in_sql(client, exchanges):
    html = client.get("/history/statistics?year=all").get_data(as_text=True)
    assert _figure(html, "交流次数") == "8"
    assert _figure(html, "累计举行视频连线") == "3"
    assert _figure(html, "来长春访问（来访）") == "2"  # a recorded visit and a lone visit meeting
    assert _figure(html, "赴韩访问（出访）") == "1"
    assert _figure(html, "已完成的跟进事项") == "1"
    assert _figure(html, "未完成的跟进事项") == "1"
    assert "<small>(1 项已逾期)</small>" in html


def test_a_meeting_with_two_partners_counts_once_and_once_for_each(client, exchanges):
    # 20:30 UTC on 30 June is 04:30 on 1 July in Changchun.
    add_meeting(exchanges, datetime(2028, 6, 30, 20, 30, tzinfo=UTC), partners=("busan", "seoul"),
                kind="forum")  # fmt: skip
    _db.session.commit()
    html = client.get("/history/statistics?year=2028").get_data(as_text=True)
    assert _figure(html, "交流次数") == "6"
    charts = _svgs(html)
    table = html.split('id="chart-months-caption"')[1].split("</table>")[0]
    months = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', table)
    assert months[5:8] == [("6月", "1"), ("7月", "2"), ("8月", "1")]
    partners = html.split('id="chart-partners-caption"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', partners) == [
        ("首尔特别市", "6"), ("釜山广域市", "1")]  # fmt: skip
    assert "论坛或研讨会" in set(_texts(charts["chart-kinds"]))


def test_year_over_year_and_partner_year_tables(client, exchanges):
    html = client.get("/history/statistics?year=all").get_data(as_text=True)
    yoy = re.findall(r'<tr><th scope="row">(\d{4})</th><td class="text-end">(\d+)</td>\s*'
                     r'<td class="text-end">([^<]*)</td></tr>', html)  # fmt: skip
    assert yoy == [("2027", "2", "—"), ("2028", "5", "+3 (+150%)"), ("2029", "1", "-4 (-80%)")]
    partner_rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td class="text-end">\d+'
                              r"</td>){4})</tr>", html)  # fmt: skip
    cells = {name: re.findall(r">(\d+)<", row) for name, row in partner_rows}
    assert cells == {"首尔特别市": ["1", "5", "0", "6"], "釜山广域市": ["1", "0", "1", "2"]}


def test_charts_are_accessible_svg_without_script_or_inline_style(client, exchanges):
    response = client.get("/history/statistics?year=2028")
    html = response.get_data(as_text=True)
    charts = _svgs(html)
    assert sorted(charts) == sorted(
        ["chart-years", "chart-months", "chart-kinds", "chart-partners", "chart-follow-ups"]
    )
    for chart_id, root in charts.items():
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
        assert root.find(f"{SVG}desc").get("id") == f"{chart_id}-desc"
        assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}style"))
        assert all("style" not in node.attrib for node in root.iter())
    kinds = charts["chart-kinds"]
    assert kinds.find(f"{SVG}title").text == "按类别统计交流"
    assert kinds.find(f"{SVG}desc").text == "共 7 项，合计 5；最多的是来访（2）。"
    assert {"视频连线", "来访", "签约（备忘录或协议）"} <= set(_texts(kinds))
    months = charts["chart-months"]
    assert months.find(f"{SVG}title").text == "2028年各月交流"
    assert "3月" in _texts(months) and "12月" in _texts(months)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_each_chart_has_its_data_table(client, exchanges):
    html = client.get("/history/statistics?year=2028").get_data(as_text=True)
    table = html.split('id="chart-kinds-caption"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="text-end">(\d+)</td></tr>', table
    )
    assert rows[:4] == [("视频连线", "1"), ("来访", "2"), ("出访", "1"), ("考察", "0")]


def test_korean_labels_and_a_partner_scope(auth, client, exchanges):
    auth.logout()
    auth.login("viewer", locale="ko")
    html = client.get("/history/statistics?partner=busan&year=all").get_data(as_text=True)
    assert _figure(html, "교류 건수") == "2"
    charts = _svgs(html)
    assert charts["chart-partners"].find(f"{SVG}title").text == "협력 기관별 교류"
    assert "부산광역시" in _texts(charts["chart-partners"])
    assert "화상회의" in _texts(charts["chart-kinds"])


def test_partner_names_are_escaped_inside_the_svg(client, exchanges):
    get_partner("busan").name_zh = '<b onload="x">釜山</b>'
    _db.session.commit()
    html = client.get("/history/statistics?year=all").get_data(as_text=True)
    assert '<b onload="x">釜山</b>' in _texts(_svgs(html)["chart-partners"])
    assert '<b onload="x">' not in html


def test_empty_history_draws_empty_charts(client, auth, db):
    auth.login("viewer", locale="zh")
    html = client.get("/history/statistics?year=2035").get_data(as_text=True)
    assert _figure(html, "交流次数") == "0"
    assert _svgs(html)["chart-kinds"].find(f"{SVG}desc").text == "没有可显示的交流活动。"


@pytest.mark.parametrize(
    ("query", "status"),
    [("year=1800", 400), ("year=abc", 400), ("partner=atlantis", 404), ("kind=zzz", 200)],
)
def test_bad_input(client, exchanges, query, status):
    assert client.get(f"/history/statistics?{query}").status_code == status


def test_statement_count_does_not_depend_on_the_data(app, client, exchanges):
    with app.app_context():
        engine = _db.session.get_bind().engine
    with StatementCounter(engine) as before:
        client.get("/history/statistics?year=all")
    for month in range(1, 13):
        add_meeting(exchanges, at(2026, month), partners=("daegu", "ulsan"))
    _db.session.commit()
    with StatementCounter(engine) as after:
        client.get("/history/statistics?year=all")
    assert before.count == after.count


def test_annual_report_in_korean(client, exchanges):
    response = client.get("/history/report/2028?lang=ko")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ko">' in html and "<h1>2028년 교류 보고서</h1>" in html
    assert _figure(html, "교류 건수") == "5"
    assert sorted(_svgs(html)) == ["chart-follow-ups", "chart-kinds", "chart-months",
                                   "chart-partners"]  # fmt: skip
    rows = re.findall(r"<strong>([^<]+)</strong>", html)
    assert rows == ["화상회의 2028-03-15", "화상회의 2028-05-15", "화상회의 2028-06-02",
                    "화상회의 2028-07-15", "화상회의 2028-08-15"]  # fmt: skip
    assert "시찰 성과" in html and "签署合作备忘录" in html
    assert 'href="/history/report/2028?lang=zh"' in html
    assert 'src="/static/js/print-button.js"' in html


def test_annual_report_for_a_partner_in_chinese(client, exchanges):
    html = client.get("/history/report/2029?partner=busan&lang=zh").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "<h1>2029年度交流报告</h1>" in html
    assert "釜山广域市" in html
    assert re.findall(r"<strong>([^<]+)</strong>", html) == ["视频连线 2028-12-31"]


def test_annual_report_for_an_empty_year_and_bad_input(client, exchanges):
    empty = client.get("/history/report/2031?lang=ko").get_data(as_text=True)
    assert "2031년에는 기록된 교류가 없습니다." in empty
    assert client.get("/history/report/1800").status_code == 400
    assert client.get("/history/report/abc").status_code == 404
    assert client.get("/history/report/2028?partner=atlantis").status_code == 404
    fallback = client.get("/history/report/2028?lang=fr").get_data(as_text=True)
    assert '<html lang="zh-CN">' in fallback


@pytest.mark.parametrize(
    ("lang", "description"),
    [
        ("zh", "共 2 项，合计 7；最多的是2028年（5）。"),
        ("ko", "막대 2개, 합계 7. 가장 큰 값: 2028년(5)"),
        ("en", "2 bars, 7 in all; the largest is 2028 with 5."),
    ],
)
def test_the_year_chart_names_its_largest_bar_as_a_year(auth, client, exchanges, lang, description):
    auth.logout()
    auth.login("viewer", locale=lang)
    html = client.get("/history/statistics?year=2028").get_data(as_text=True)
    years = _svgs(html)["chart-years"]
    assert years.find(f"{SVG}desc").text == description
    assert "2028" in _texts(years)  # the axis keeps the bare year
