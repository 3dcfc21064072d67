"""One-character history search through the index: the same meetings in the same order as
a scan of every document would give, in Chinese, Korean and English, kept in step with
edits; and a term of punctuation alone, searched as it is with a word that it is."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.history.search.index import normalize
from scheduler.history.search.models import SearchDocument
from scheduler.history.search.services import SearchFilters, search_history
from scheduler.meetings import services
from scheduler.meetings.models import Meeting

SYMBOLS_ONLY = "搜索内容中没有文字或数字，只有标点或符号：下面列出的是包含这些字符本身的会议。"


def at(day: int, hour: int = 6) -> dict:
    start = datetime(2029, 4, day, hour, 0, tzinfo=UTC)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1)}


def hits(client, **params) -> list[str]:
    html = client.get("/history/search", query_string=params).get_data(as_text=True)
    found = re.findall(r'<a class="fw-semibold" href="/meetings/\d+">(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


def scanned(db, term: str) -> list[int]:
    """What a scan of every document finds for *term*, newest first (the search before the
    index held characters)."""
    docs = SearchDocument.__table__
    query = (
        sa.select(Meeting.id)
        .join(docs, docs.c.meeting_id == Meeting.id)
        .where(docs.c.body.contains(normalize(term), autoescape=True))
        .order_by(Meeting.start_dt.desc(), Meeting.end_dt.desc(), Meeting.id.desc())
    )
    return list(db.session.scalars(query))


def indexed(term: str, per_page: int = 50) -> list[int]:
    page = search_history(SearchFilters(normalize(term)), "Asia/Shanghai", per_page=per_page)
    return [meeting.id for meeting in page.meetings]


@pytest.fixture
def meetings(make_meeting, make_user, db):
    organizer = make_user("coordinator")
    made = [
        make_meeting(organizer, title_zh="东北亚论坛", title_ko="동북아 포럼",
                     title_en="Northeast Asia Forum", partners=(), **at(1)),
        make_meeting(organizer, title_zh="港口物流会谈", title_ko="항만 물류 회담",
                     agenda_en="Port of Incheon", partners=(), **at(2)),
        make_meeting(organizer, title_zh="冰雪旅游", title_ko="빙설 관광", title_en="Ice & snow",
                     partners=(), **at(3)),
        make_meeting(organizer, title_zh="论坛筹备", title_ko="포럼 준비", title_en="Z",
                     partners=(), **at(3, 2)),
        make_meeting(organizer, title_zh="完成率100%", title_ko="달성률", partners=(), **at(4)),
    ]  # fmt: skip
    db.session.commit()
    return made


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("坛", ["论坛筹备", "东北亚论坛"]),  # newest first
        ("论", ["论坛筹备", "东北亚论坛"]),
        ("럼", ["论坛筹备", "东北亚论坛"]),  # Hangul
        ("물", ["港口物流会谈"]),
        ("z", ["论坛筹备"]),  # a one-letter field: no bigram holds it
        ("Z", ["论坛筹备"]),  # any case
        ("ｚ", ["论坛筹备"]),  # full width, as NFKC reads it
        ("i", ["冰雪旅游", "港口物流会谈", "东北亚论坛"]),
        ("&", ["冰雪旅游"]),
        ("%", ["完成率100%"]),
        ("鹤", []),
    ],
)
def test_one_character_in_three_scripts(auth, client, meetings, term, expected):
    auth.login("viewer", locale="zh")
    assert hits(client, q=term) == expected


def test_the_index_finds_what_a_scan_finds_in_the_same_order(meetings, db):
    for term in ("坛", "럼", "o", "i", "e", "&", "%", "1", "z", "鹤", "물", "_"):
        assert indexed(term) == scanned(db, term), term


def test_a_page_and_the_count_of_a_common_character(make_meeting, auth, client, db):
    for day in range(1, 26):
        make_meeting(title_zh=f"交流会 {day}", title_ko="교류회", partners=(), **at(day))
    db.session.commit()
    auth.login("viewer", locale="en")
    html = client.get("/history/search", query_string={"q": "流", "page": 2}).get_data(as_text=True)
    assert "25 meetings found." in html
    assert hits(client, q="流", page=2) == [f"交流会 {day}" for day in range(5, 0, -1)]
    assert indexed("류", per_page=25) == scanned(db, "류")


def test_rare_and_common_terms_page_alike_with_planner_statistics(make_meeting, db):
    # On PostgreSQL a term in under one meeting in ten is found through the index and sorted,
    # a common one by walking the meetings newest first: with the planner's statistics
    # (ANALYZE) both ways are taken here, and both give what a scan gives, page by page.
    for day in range(1, 29):
        title = "签约仪式" if day % 14 == 0 else f"交流会 {day}"
        make_meeting(title_zh=title, title_ko="교류회", partners=(), **at(day))
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE meetings"))
    for term in ("签", "流", "교"):
        first = search_history(SearchFilters(term), "UTC", 1, 5)
        found = [m.id for page in range(1, first.pages + 1) for m in _page(term, page)]
        assert found == scanned(db, term) and first.total == len(found), term


def _page(term: str, page: int) -> list[Meeting]:
    return search_history(SearchFilters(term), "UTC", page, 5).meetings


def test_edits_and_deletions_keep_the_characters_in_step(meetings, db):
    forum = meetings[0]
    services.update_meeting(forum, {"title_zh": "东北亚峰会", "title_en": "Summit"})
    db.session.commit()
    assert forum.id not in indexed("坛") and forum.id in indexed("峰")
    assert indexed("坛") == scanned(db, "坛")
    db.session.delete(db.session.get(Meeting, meetings[3].id))
    db.session.commit()
    assert indexed("坛") == [] == scanned(db, "坛")


@pytest.mark.parametrize("term", ["%", "。", "…", "&", "?!", "（）"])
def test_punctuation_alone_is_searched_with_a_notice(auth, client, meetings, term):
    auth.login("viewer", locale="zh")
    html = client.get("/history/search", query_string={"q": term}).get_data(as_text=True)
    assert SYMBOLS_ONLY in html


def test_the_notice_in_korean_and_english(auth, client, meetings):
    auth.login("viewer", locale="ko")
    html = client.get("/history/search?q=%25").get_data(as_text=True)
    assert "검색어에 글자나 숫자 없이 문장 부호나 기호만 있습니다." in html
    auth.logout()
    auth.login("viewer", locale="en")
    html = client.get("/history/search?q=%25").get_data(as_text=True)
    assert "The search has no letters or digits, only punctuation or symbols" in html
    assert "1 meeting found." in html


@pytest.mark.parametrize("term", ["坛", "z", "1", "a%", "   "])
def test_no_notice_for_letters_digits_or_nothing(auth, client, meetings, term):
    auth.login("viewer", locale="zh")
    html = client.get("/history/search", query_string={"q": term}).get_data(as_text=True)
    assert SYMBOLS_ONLY not in html
