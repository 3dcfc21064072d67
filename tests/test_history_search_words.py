"""History search finds what officials type (issue 12.7): synonyms and category words in
each direction, said under the box; each hit's year, status and kind; plain-text excerpts
with the writer's punctuation; odd input answered clearly."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_history_search import hits, page, result_item, set_outcome

ALSO_SIGNING_ZH = (
    "同时搜索了：签署、备忘录、协议、协定、협약、업무협약、체결、양해각서、협정、MOU、signing、"
    "agreement、memorandum。"
)
KIND_SIGNING_ZH = "类别为“签约（备忘录或协议）”的会议也一并列出。"


def at(day: int) -> dict:
    start = datetime(2030, 5, day, 2, 0, tzinfo=UTC)  # 10:00 in Changchun
    return {"start_dt": start, "end_dt": start + timedelta(hours=1)}


@pytest.fixture
def exchanges(make_meeting, make_user, db):
    """Meetings whose titles use different words for a signing and for a video link; only
    one of them is of the kind it names."""
    organizer = make_user("coordinator")
    fields = [
        ("other", "与首尔签署合作备忘录", "서울시와 우호 교류", None),
        ("other", "港口合作座谈", "항만 협력 간담", "MOU signing with Busan"),
        ("other", "经贸交流", "부산시 업무협약 체결", None),
        ("signing", "长春仪式", "창춘 의식", None),  # the kind alone says signing
        ("other", "第五次工作会", "제5차 화상회의", None),
        ("other", "第六次视频会议", "제6차 실무 회의", None),
        ("other", "冰雪旅游推介", "빙설 관광 설명회", None),
    ]
    made = {}
    for day, (kind, zh, ko, en) in enumerate(fields, start=1):
        made[zh] = make_meeting(organizer, kind=kind, title_zh=zh, title_ko=ko, title_en=en,
                                **at(day))  # fmt: skip
    db.session.commit()
    return made


SIGNINGS = ["长春仪式", "经贸交流", "港口合作座谈", "与首尔签署合作备忘录"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("签约", SIGNINGS),
        ("签署", SIGNINGS),
        ("备忘录", SIGNINGS),
        ("협약", SIGNINGS),
        ("업무협약", SIGNINGS),
        ("mou", SIGNINGS),
        ("MOU", SIGNINGS),
        ("视频连线", ["第六次视频会议", "第五次工作会"]),
        ("화상회의", ["第六次视频会议", "第五次工作会"]),
        ("video link", ["第六次视频会议", "第五次工作会"]),
        ("签约仪式", []),  # a word of a group inside a longer term: searched as typed
        ("冰雪", ["冰雪旅游推介"]),  # no group: only what is typed
    ],
)
def test_synonyms_and_category_words_match_in_each_direction(
    auth, client, exchanges, term, expected
):
    auth.login("viewer", locale="zh")
    assert hits(client, q=term) == expected


def test_the_words_searched_too_are_said_under_the_box(auth, client, exchanges):
    auth.login("viewer", locale="zh")
    html = page(client, q="签约")
    assert ALSO_SIGNING_ZH in html and KIND_SIGNING_ZH in html
    assert 'aria-describedby="search-also"' in html
    assert 'id="search-also"' not in page(client, q="冰雪")
    auth.logout()
    auth.login("viewer", locale="ko")
    html = page(client, q="화상회의")
    assert (
        "다음 단어도 함께 검색했습니다: 视频连线, 视频会议, 视频会谈, 云上会谈, 화상 회의, "
        "화상 연결, video link, video conference, videoconference, video call." in html
    )
    assert "구분이 “화상회의”인 회의도 함께 표시합니다." in html


def test_synonyms_are_marked_in_the_hits(auth, client, exchanges):
    auth.login("viewer", locale="en")
    html = page(client, q="签约")
    assert "MOU <mark>signing</mark> with Busan" not in html  # MOU is marked as well:
    assert "<mark>MOU</mark> <mark>signing</mark> with Busan" in html
    auth.logout()
    auth.login("viewer", locale="zh")
    html = page(client, q="签约")
    assert "与首尔<mark>签署</mark>合作<mark>备忘录</mark>" in html


def test_each_hit_shows_its_year_status_and_kind(auth, client, exchanges, db):
    held = exchanges["长春仪式"]
    held.status = "held"
    db.session.commit()
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    item = result_item(page(client, q="仪式"), held)
    # The year even in the current year (2030 in the tests), the status, the kind.
    assert "2030年5月4日（周六）10:00–11:00（北京时间） / 11:00–12:00（首尔时间）" in item
    assert ">已举行</span>" in item and ">签约（备忘录或协议）</span>" in item
    auth.logout()
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    item = result_item(page(client, q="의식"), held)
    assert "2030년 5월 4일(토) 11:00~12:00(한국 시간) / 10:00~11:00(중국 시간)" in item
    assert ">개최 완료</span>" in item and ">업무협약(MOU)·협정 체결</span>" in item


def test_excerpts_are_plain_text_with_the_original_punctuation(auth, client, exchanges, db):
    meeting = exchanges["冰雪旅游推介"]
    set_outcome(
        db, meeting, summary_zh="双方同意合作。",
        minutes="## 纪要\n\n双方同意开展**青少年交流**，详见[方案](https://example.org/plan)。\n"
                "\n1. 互派代表团\n2. 举办`冬令营`",
        decisions="> 每年（至少）一次 <b>会商</b>",
    )  # fmt: skip
    db.session.commit()
    auth.login("viewer", locale="zh")
    item = result_item(page(client, q="青少年"), meeting)
    assert (
        '<div class="small history-snippet">纪要 双方同意开展<mark>青少年</mark>交流，详见方案。'
        in item
    )
    assert "1. 互派代表团 2. 举办冬令营</div>" in item
    assert not re.search(r"\*\*|##|https://example.org|`", item)
    item = result_item(page(client, q="(至少)"), meeting)  # half-width finds full-width
    assert "每年<mark>（至少）</mark>一次 &lt;b&gt;会商&lt;/b&gt;</div>" in item


def test_titles_keep_full_width_punctuation_and_are_escaped(auth, client, make_meeting):
    meeting = make_meeting(title_zh="中韩（长春）示范区<b>签约</b>", **at(9))
    auth.login("viewer", locale="zh")
    item = result_item(page(client, q="长春"), meeting)
    assert ">中韩（<mark>长春</mark>）示范区&lt;b&gt;签约&lt;/b&gt;</a>" in item
    item = result_item(page(client, q="签约"), meeting)
    assert ">中韩（长春）示范区&lt;b&gt;<mark>签约</mark>&lt;/b&gt;</a>" in item


@pytest.mark.parametrize("term", ["签", "a", "。", "**", "#", "[", "](", "“”", "ㄱ", "-", "🙂"])
def test_one_character_and_punctuation_get_a_clear_answer(auth, client, exchanges, term):
    auth.login("viewer", locale="zh")
    response = client.get("/history/search", query_string={"q": term})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<p id="search-count">共找到 \d+ 次会议。</p>', html), term
    if not any(char.isalnum() for char in term):
        assert "搜索内容中没有文字或数字，只有标点或符号" in html
