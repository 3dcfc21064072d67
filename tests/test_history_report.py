"""The annual report and the statistics tell one year's truth (issue 12, item 6): a year's
figures are that year's only, inbound and outbound visits have one definition on every
surface, the statistics open on the current year, a year without exchanges says so, the
report lists the agreements signed, and bad years get a clear answer."""

import codecs
import csv
import io
import re
from datetime import date

import pytest

from scheduler.extensions import db as _db
from scheduler.partners.services import get_partner
from scheduler.visits.models import Visit
from tests.history_timeline_support import add_meeting, at


def _figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)", html)
    return match.group(1).strip() if match else ""


def _yoy(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr><th scope="row">(\d{4})</th><td class="text-end">(\d+)</td>', html)


def _kind_rows(html: str) -> dict[str, str]:
    table = html.split('id="chart-kinds-caption"')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', table)
    return dict(rows)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture
def two_years(auth, db):
    """2028: a video link, a held signing with Busan, a confirmed (not yet signed) one; 2029:
    two video links and a held signing. Busan's Chinese name is its own, for the agreement."""
    user = auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    add_meeting(user, at(2028, 3))
    add_meeting(user, at(2028, 5, 20), kind="signing", partners=("busan",),
                title_zh="与釜山签署港口物流合作备忘录",
                title_ko="부산 항만물류 업무협약(MOU) 체결식")  # fmt: skip
    add_meeting(user, at(2028, 9), kind="signing", status="confirmed", title_zh="待签协议")
    add_meeting(user, at(2029, 2))
    add_meeting(user, at(2029, 4))
    add_meeting(user, at(2029, 7), kind="signing", title_zh="2029年签署的协议")
    db.session.commit()
    return user


def test_a_years_report_counts_that_year_only(client, two_years):
    html = _get(client, "/history/report/2028")
    assert _figure(html, "交流次数") == "3"
    assert _figure(html, "2028年举行的视频连线") == "1"
    assert "累计举行视频连线" not in html  # no running total in a year's report
    assert _yoy(html) == [("2028", "3")]  # nothing after the report's year
    assert "2029" not in html.split('id="report-exchanges"')[0].split("</header>")[1]
    later = _get(client, "/history/report/2029")
    assert _figure(later, "交流次数") == "3" and _yoy(later) == [("2028", "3"), ("2029", "3")]


def test_the_all_years_view_labels_its_running_total(client, two_years):
    html = _get(client, "/history/statistics?year=all")
    assert _figure(html, "交流次数") == "6"
    assert _figure(html, "累计举行视频连线") == "3"
    assert '<option value="all" selected>全部年份</option>' in html


def test_statistics_open_on_the_current_year_with_a_year_selector(client, two_years):
    html = _get(client, "/history/statistics")  # the suite's current year is 2030
    assert _figure(html, "交流次数") == "0"
    assert '<p class="alert alert-info">2030年没有交流记录。</p>' in html
    assert re.findall(r'<option value="(\d+)"( selected)?>', html) == [
        ("2030", " selected"), ("2029", ""), ("2028", "")]  # fmt: skip
    assert 'href="/history/report/2030"' in html
    chosen = _get(client, "/history/statistics?year=2028")
    assert '<option value="2028" selected>2028</option>' in chosen
    assert _figure(chosen, "交流次数") == "3"


def test_one_definition_of_inbound_and_outbound_visits(client, two_years):
    """A recorded inbound visit with two meetings of a visit kind and an inspection is one
    inbound visit and one inspection; a lone outbound visit meeting is one outbound visit;
    a recorded visit whose programme is all drafts is not counted yet."""
    user, seoul = two_years, get_partner("seoul")
    visit = Visit(direction="inbound", start_date=date(2028, 6, 1), end_date=date(2028, 6, 2),
                  title_zh="首尔代表团来访", organizer=user, partners=[seoul])  # fmt: skip
    planned = Visit(direction="inbound", start_date=date(2028, 10, 1),
                    end_date=date(2028, 10, 2), organizer=user, partners=[seoul])  # fmt: skip
    _db.session.add_all([visit, planned])
    add_meeting(user, at(2028, 6, 1), kind="inbound_visit", visit=visit)
    add_meeting(user, at(2028, 6, 2, 1), kind="inbound_visit", visit=visit)
    add_meeting(user, at(2028, 6, 2, 5), kind="inspection", visit=visit)
    add_meeting(user, at(2028, 10, 1), kind="inbound_visit", visit=planned, status="draft")
    add_meeting(user, at(2028, 11), kind="outbound_visit")
    _db.session.commit()
    for path in ("/history/statistics?year=2028", "/history/report/2028"):
        html = _get(client, path)
        assert _figure(html, "来长春访问（来访）") == "1", path
        assert _figure(html, "赴韩访问（出访）") == "1", path
        kinds = _kind_rows(html)
        assert (kinds["来访"], kinds["出访"], kinds["考察"]) == ("1", "1", "1"), path
        assert _figure(html, "交流次数") == "6", path  # 3 before + visit + inspection + trip
        assert "已登记的访问无论行程中安排了多少场会议，均只计一次。" in html
    body = client.get("/history/export.csv?year=2028").data
    rows = list(csv.reader(io.StringIO(body[len(codecs.BOM_UTF8) :].decode("utf-8"))))
    assert rows[0][-1] == "代表团访问"
    by_kind = sorted((row[4], row[-1]) for row in rows[1:])  # drafts too, as exports list them
    assert by_kind == sorted([("视频连线", ""), ("签约（备忘录或协议）", ""),
                              ("签约（备忘录或协议）", ""), ("来访", "来访"), ("来访", "来访"),
                              ("考察", "来访"), ("来访", "来访"), ("出访", "出访")])  # fmt: skip


def test_the_report_lists_the_agreements_signed_that_year(auth, client, two_years):
    html = _get(client, "/history/report/2028?lang=zh")
    section = html.split('id="report-agreements"')[1].split("</section>")[0]
    assert "2028年签署的合作备忘录和协议" in section
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", section)
    assert rows == [("2028年5月20日", "釜山广域市", "与釜山签署港口物流合作备忘录")]
    korean = _get(client, "/history/report/2028?lang=ko")
    section = korean.split('id="report-agreements"')[1].split("</section>")[0]
    assert "2028년 업무협약(MOU)·협정 체결 현황" in section
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", section)
    assert rows == [("2028년 5월 20일", "부산광역시", "부산 항만물류 업무협약(MOU) 체결식")]
    add_meeting(two_years, at(2027, 4))
    _db.session.commit()
    none = _get(client, "/history/report/2027?lang=zh")
    assert "<p>2027年未签署合作备忘录或协议。</p>" in none


@pytest.mark.parametrize(
    ("lang", "message", "link_text"),
    [
        ("zh", "2031年没有交流记录。", "2029年度交流报告"),
        ("ko", "2031년에는 기록된 교류가 없습니다.", "2029년 교류 보고서"),
        ("en", "No exchange is recorded in 2031.", "Exchange report 2029"),
    ],
)
def test_a_year_without_exchanges_says_so_and_links_the_years_with_data(
    client, two_years, lang, message, link_text
):
    html = _get(client, f"/history/report/2031?lang={lang}")
    assert f'<h2 id="report-empty">{message}</h2>' in html
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    assert links[0] == (f"/history/report/2029?lang={lang}", link_text)
    assert [href for href, _text in links] == [
        f"/history/report/{year}?lang={lang}" for year in (2029, 2028)]  # fmt: skip
    assert "chart-months" not in html and "交流次数" not in html  # no page of zeros


def test_a_partner_without_exchanges_in_any_year(client, two_years):
    html = _get(client, "/history/report/2028?partner=jeju&lang=zh")
    assert '<h2 id="report-empty">2028年没有交流记录。</h2>' in html
    assert "<p>目前还没有任何交流记录。</p>" in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/history/report/1800", 400),
        ("/history/report/9999", 400),
        ("/history/report/0", 400),
        ("/history/report/99999999999999999999999", 404),
        ("/history/report/-5", 404),
        ("/history/report/abc", 404),
        ("/history/report/2028.5", 404),
        ("/history/statistics?year=1800", 400),
        ("/history/statistics?year=9999", 400),
        ("/history/statistics?year=", 200),
        ("/history/statistics?year=%E4%BA%8C", 400),
    ],
)
def test_bad_years_get_a_clear_answer(client, two_years, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status == 400:
        assert "年份必须是 1992 到 2100 之间的数字。" in response.get_data(as_text=True)


def _narrative(html: str) -> str:
    return re.search(r'<p class="report-narrative" id="report-narrative">([^<]*)</p>', html)[1]


def test_the_report_opens_with_the_year_in_a_few_sentences(auth, client, two_years):
    html = _get(client, "/history/report/2028")
    busiest = _narrative(html).split("交流最多的合作省市是")[1]
    assert _narrative(html).startswith(
        "2028年，我办与2个韩国合作省市共开展交流3次。其中视频连线1次，来访0批，出访0批。"
        "签署合作备忘录和协议1份。"
    )
    assert re.fullmatch(r".+（[12]次）。", busiest)
    korean = _narrative(_get(client, "/history/report/2028?lang=ko"))
    assert korean.startswith(
        "2028년 한국 2개 협력 시·도와 총 3차례 교류하였습니다. 이 가운데 화상회의는 1회, "
        "대표단 내방은 0회, 대표단 방한은 0회였습니다. 업무협약(MOU) 1건을 체결하였습니다."
    )
    busan = _narrative(_get(client, "/history/report/2028?lang=ko&partner=busan"))
    assert busan.startswith("2028년 부산광역시 교류는 총 1차례였습니다.")
    assert "가장 많았던" not in busan
