"""Search over the exchange history: three scripts, filters, highlighting, the index, bad input."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.history.search.models import SearchDocument
from scheduler.history.signals import outcome_changed
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from scheduler.partners.models import Partner

FTS_SYNTAX = ['"', '"签约"', "签约*", "NEAR(签约 협약)", "签约 AND 협약", "-签约", "title:签约",
              "^签约", "签约 OR x", "'", "\\", "\\%", "%", "_", "%%", ":", "(",
              ")"]  # fmt: skip
ALL = ["东北亚论坛", "代表团来访", "第三次视频连线", "长春与首尔经贸合作签约仪式"]


def hits(client, **params) -> list[str]:
    """The meeting titles on the results page, in order, tags removed."""
    html = client.get("/history/search", query_string=params).get_data(as_text=True)
    if 'id="history-results"' not in html:
        return []
    found = re.findall(r'<a class="fw-semibold" href="/meetings/\d+">(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


def page(client, **params) -> str:
    response = client.get("/history/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def result_item(html: str, meeting) -> str:
    """The list item of *meeting* on a results page."""
    item = html[html.index(f'data-meeting="{meeting.id}"') :]
    return item[: item.index("</li>")]


def set_outcome(db, meeting, **fields) -> MeetingOutcome:
    """What the outcome service does: change, flush, tell the index (no commit yet)."""
    outcome = meeting.outcome or MeetingOutcome(meeting=meeting)
    for name, value in fields.items():
        setattr(outcome, name, value)
    db.session.add(outcome)
    db.session.flush()
    outcome_changed.send(meeting)
    return outcome


def at(day: int, hour: int = 6) -> dict:
    start = datetime(2029, 3, day, hour, 0, tzinfo=UTC)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1)}


@pytest.fixture
def organizer(make_user):
    return make_user("coordinator")


@pytest.fixture
def history(make_meeting, organizer, db):
    """Four meetings with texts in the three scripts; two with outcomes."""
    signing = make_meeting(
        organizer,
        kind="signing", title_zh="长春与首尔经贸合作签约仪式",
        title_ko="장춘-서울 경제무역 협약 체결식", title_en="MOU Signing Ceremony",
        agenda_ko="협약서 서명과 기념 촬영", **at(5),
    )  # fmt: skip
    video = make_meeting(
        organizer,
        title_zh="第三次视频连线", title_ko="제3차 화상회의", agenda_zh="讨论人才交流项目",
        partners=("busan",), **at(10),
    )  # fmt: skip
    visit = make_meeting(
        organizer,
        kind="inbound_visit", title_zh="代表团来访", title_ko="대표단 방문", partners=("gwangju",),
        **at(15),
    )  # fmt: skip
    forum = make_meeting(
        organizer, kind="forum", title_zh="东北亚论坛", title_ko="동북아 포럼",
        partners=("jeonnam-gwangju",), **at(20),
    )  # fmt: skip
    set_outcome(db, video, summary_zh="双方同意扩大青年交流", summary_ko="청년 교류 확대에 합의",
                minutes="## Minutes\nBoth sides agreed on a **Youth Exchange** programme.",
                decisions="每年互派10名公务员")  # fmt: skip
    set_outcome(db, visit, minutes="参观了汽车产业园区。")
    db.session.commit()
    return {"signing": signing, "video": video, "visit": visit, "forum": forum}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("签约", ["长春与首尔经贸合作签约仪式"]),
        ("협약", ["长春与首尔经贸合作签约仪式"]),
        ("서명", ["长春与首尔经贸合作签约仪式"]),  # the Korean agenda
        ("经贸合作", ["长春与首尔经贸合作签约仪式"]),
        ("人才", ["第三次视频连线"]),  # the Chinese agenda
        ("青年", ["第三次视频连线"]),  # the outcome summary (zh)
        ("청년 교류", ["第三次视频连线"]),  # the outcome summary (ko), with a space
        ("公务员", ["第三次视频连线"]),  # the decisions
        ("产业园", ["代表团来访"]),  # the minutes
        ("坛", ["东北亚论坛"]),  # one character
        ("youth exchange", ["第三次视频连线"]),  # Latin, any case
        ("MOU SIGNING", ["长春与首尔经贸合作签约仪式"]),
        ("signing cer", ["长春与首尔经贸合作签约仪式"]),
        ("부산", ["第三次视频连线"]),  # a partner name in Hangul
        ("釜山", ["第三次视频连线"]),  # in Hanzi
        ("BUSAN", ["第三次视频连线"]),  # in Latin letters
        ("签约 协约", []),
        ("仪式签约", []),
    ],
)
def test_finds_any_substring_in_three_scripts(auth, client, history, term, expected):
    auth.login("viewer", locale="zh")
    assert hits(client, q=term) == expected


def test_results_are_newest_first_with_kind_status_both_clocks_and_partners(auth, client, history):
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    html = page(client, q="광주")  # the partner name of the forum's and the visit's partners
    assert hits(client, q="광주") == ["东北亚论坛", "代表团来访"]
    item = result_item(html, history["visit"])
    assert "来访" in item and "草稿" in item  # kind and status, in Chinese
    assert "2029年3月15日（周四）14:00–15:00（北京时间） / 15:00–16:00（首尔时间）" in item
    assert "<mark>光州</mark>广域市" not in item  # the term is Korean: the Chinese name not marked


def test_contact_names_match(auth, client, history, make_contact, db):
    contact = make_contact(
        "busan", family_name_ko="박", given_name_ko="서연", family_name_zh="朴",
        given_name_zh="瑞妍", romanized_family="Park", romanized_given="Seo-yeon",
    )  # fmt: skip
    services.add_participant(history["forum"], contact=contact)
    db.session.commit()
    auth.login("viewer", locale="ko")
    assert hits(client, q="서연") == ["동북아 포럼"]
    assert hits(client, q="seo-yeon park") == ["동북아 포럼"]
    html = page(client, q="서연")
    assert "박<mark>서연</mark>" in html


def test_the_search_follows_partners_and_contacts_as_they_change(
    auth, client, history, make_contact, db
):
    contact = make_contact(
        "busan", family_name_ko="남궁", given_name_ko="민", family_name_zh="南宫",
        given_name_zh="敏", romanized_family="Namgung", romanized_given="Min",
    )  # fmt: skip
    forum = history["forum"]
    auth.login("viewer", locale="ko")
    participant = services.add_participant(forum, contact=contact)
    db.session.commit()
    assert hits(client, q="남궁") == hits(client, q="namgung") == ["동북아 포럼"]
    services.remove_participant(forum, participant)
    db.session.commit()
    assert hits(client, q="남궁") == []
    busan = db.session.scalar(sa.select(Partner).where(Partner.slug == "busan"))
    services.update_meeting(forum, {}, partners=[busan])
    db.session.commit()
    assert hits(client, q="釜山") == ["동북아 포럼", "제3차 화상회의"]
    assert hits(client, q="全南光州") == []  # the partner it had before
    # A renamed contact is found by the new name at once: names are never copied.
    services.add_participant(forum, contact=contact)
    contact.given_name_ko = "지민"
    db.session.commit()
    assert hits(client, q="지민") == ["동북아 포럼"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "signing"}, ["长春与首尔经贸合作签约仪式"]),
        ({"kind": "forum"}, ["东北亚论坛"]),
        ({"partner": "busan"}, ["第三次视频连线"]),
        ({"partner": "gwangju"}, ["代表团来访"]),
        # A merged partner's successor includes its predecessors' meetings.
        ({"partner": "jeonnam-gwangju"}, ["东北亚论坛", "代表团来访"]),
        ({"from": "2029-03-10"}, ["东北亚论坛", "代表团来访", "第三次视频连线"]),
        ({"to": "2029-03-10"}, ["第三次视频连线", "长春与首尔经贸合作签约仪式"]),
        ({"from": "2029-03-06", "to": "2029-03-15"}, ["代表团来访", "第三次视频连线"]),
    ],
)
def test_filters(auth, client, history, params, expected):
    auth.login("viewer", locale="zh")
    # "市" is in the Chinese name of every partner of these meetings.
    assert hits(client, q="市") == [
        "东北亚论坛",
        "代表团来访",
        "第三次视频连线",
        "长春与首尔经贸合作签约仪式",
    ]
    assert hits(client, q="市", **params) == expected


def test_predecessor_meetings_are_marked(auth, client, history):
    auth.login("viewer", locale="zh")
    html = page(client, q="광주", partner="jeonnam-gwangju")
    assert "前身" in result_item(html, history["visit"])
    assert "前身" not in result_item(html, history["forum"])


def test_dates_are_read_in_the_viewers_zone(auth, client, make_meeting):
    # 16:30 UTC on 3 March: 00:30 on 4 March in Changchun, 01:30 on 4 March in Seoul.
    late = datetime(2029, 3, 3, 16, 30, tzinfo=UTC)
    make_meeting(title_zh="深夜连线", start_dt=late, end_dt=late + timedelta(hours=1))
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    assert hits(client, q="深夜", **{"from": "2029-03-04", "to": "2029-03-04"}) == ["深夜连线"]
    assert hits(client, q="深夜", **{"to": "2029-03-03"}) == []


def test_timezone_boundary_for_a_utc_viewer(auth, client, make_meeting):
    late = datetime(2029, 3, 3, 16, 30, tzinfo=UTC)
    make_meeting(title_zh="深夜连线", start_dt=late, end_dt=late + timedelta(hours=1))
    auth.login("viewer", locale="zh", timezone="UTC")
    assert hits(client, q="深夜", **{"to": "2029-03-03"}) == ["深夜连线"]
    assert hits(client, q="深夜", **{"from": "2029-03-04"}) == []


def test_pages_of_twenty(auth, client, make_meeting, organizer):
    for day in range(1, 26):
        make_meeting(organizer, title_zh=f"交流会第{day:02d}场", **at(day))
    auth.login("viewer", locale="en")
    first = hits(client, q="交流会")
    assert first == [f"交流会第{day:02d}场" for day in range(25, 5, -1)]
    assert hits(client, q="交流会", page="2") == [f"交流会第{day:02d}场" for day in range(5, 0, -1)]
    assert hits(client, q="交流会", page="99") == hits(client, q="交流会", page="2")
    html = page(client, q="交流会")
    assert "25 meetings found." in html
    assert "page=2" in html and "q=%E4%BA%A4%E6%B5%81%E4%BC%9A" in html


def test_matches_are_highlighted_and_everything_else_escaped(auth, client, make_meeting, db):
    meeting = make_meeting(title_zh="<script>alert(1)</script>签约<b>仪式</b>",
                           agenda_zh='合作"签约"项目 & <img src=x onerror=alert(2)>')  # fmt: skip
    set_outcome(db, meeting, minutes="签约<script>x</script>")
    db.session.commit()
    auth.login("viewer", locale="zh")
    html = page(client, q="签约")
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>签约</mark>&lt;b&gt;仪式&lt;/b&gt;" in html
    assert "合作&#34;<mark>签约</mark>&#34;项目 &amp; &lt;img src=x onerror=alert(2)&gt;" in html
    html = page(client, q="<script>")
    assert "<mark>&lt;script&gt;</mark>alert(1)" in html
    assert 'value="&lt;script&gt;"' in html


def test_latin_highlight_keeps_the_original_case(auth, client, history):
    auth.login("viewer", locale="en")
    html = page(client, q="youth")
    assert "<mark>Youth</mark> Exchange" in html


def test_index_follows_edits_in_the_same_transaction(auth, client, history, db):
    meeting = history["signing"]
    services.update_meeting(meeting, {"title_zh": "合作备忘录签署", "agenda_ko": "양해각서 서명"})
    assert _documents_with(db, "备忘录") == [meeting.id]  # before the commit
    assert _documents_with(db, "仪式") == []
    db.session.commit()
    auth.login("viewer", locale="zh")
    assert hits(client, q="备忘录") == ["合作备忘录签署"]
    assert hits(client, q="仪式") == []
    assert hits(client, q="협약서") == []
    assert hits(client, q="양해각서") == ["合作备忘录签署"]


def test_index_follows_outcome_edits(auth, client, history, db):
    set_outcome(db, history["visit"], minutes="考察了新能源汽车工厂")
    assert _documents_with(db, "新能源") == [history["visit"].id]
    db.session.commit()
    auth.login("viewer", locale="zh")
    assert hits(client, q="新能源") == ["代表团来访"]
    assert hits(client, q="产业园") == []


def test_date_filters_follow_a_moved_meeting(auth, client, history, db):
    moved = at(25)
    services.reschedule(history["signing"], moved["start_dt"], moved["end_dt"])
    db.session.commit()
    auth.login("viewer", locale="zh")
    assert hits(client, q="签约", **{"from": "2029-03-21"}) == ["长春与首尔经贸合作签约仪式"]
    assert hits(client, q="签约", **{"to": "2029-03-20"}) == []
    assert hits(client, q="签约仪式", **{"from": "2029-03-21"}) == ["长春与首尔经贸合作签约仪式"]
    assert hits(client, q="市") == ["长春与首尔经贸合作签约仪式", *ALL[:3]]


def test_cancelled_meetings_stay_findable_with_their_status(auth, client, history, db):
    services.cancel(history["signing"], "日程冲突")
    db.session.commit()
    auth.login("viewer", locale="zh")
    html = page(client, q="签约")
    assert hits(client, q="签约") == ["长春与首尔经贸合作签约仪式"]
    assert "已取消" in html


def test_rollback_leaves_the_index_as_it_was(history, db):
    services.update_meeting(history["forum"], {"title_zh": "临时标题"})
    db.session.rollback()
    assert _documents_with(db, "临时") == []
    assert _documents_with(db, "东北亚") == [history["forum"].id]


def _documents_with(db, term: str) -> list[int]:
    """Meeting ids whose document the search finds for *term* (through the bigram index)."""
    from scheduler.history.search.index import normalize
    from scheduler.history.search.services import SearchFilters, search_history

    found = search_history(SearchFilters(normalize(term)), "Asia/Shanghai")
    return [m.id for m in found.meetings]


@pytest.mark.parametrize("term", FTS_SYNTAX)
def test_query_syntax_is_plain_text(auth, client, history, term):
    auth.login("viewer", locale="en")
    assert "0 meetings found." in page(client, q=term)
    assert hits(client, q=term) == []


def test_special_characters_are_matched_literally(auth, client, make_meeting):
    make_meeting(title_zh='完成率100%_"达标"\\')
    make_meeting(title_zh="完成率100")
    auth.login("viewer", locale="zh")
    assert hits(client, q="100%") == ["完成率100%_&#34;达标&#34;\\"]
    assert hits(client, q="%_") == ["完成率100%_&#34;达标&#34;\\"]
    assert hits(client, q='"达标"') == ["完成率100%_&#34;达标&#34;\\"]
    assert hits(client, q="\\") == ["完成率100%_&#34;达标&#34;\\"]
    assert sorted(hits(client, q="完成率")) == sorted(["完成率100", "完成率100%_&#34;达标&#34;\\"])


def test_only_spaces_shows_a_prompt(auth, client, history):
    auth.login("viewer", locale="en")
    for term in ("", "   ", "\t\n", "\u3000"):
        html = page(client, q=term)
        assert 'id="search-prompt"' in html and 'id="history-results"' not in html


def test_a_very_long_term_is_capped_politely(auth, client, history):
    auth.login("viewer", locale="en")
    html = page(client, q="签约" * 3000)
    assert "Only the first 100 characters of the search were used." in html
    assert hits(client, q="签约" * 3000) == []
    assert hits(client, q="签约" + " " * 5000 + "x") == []


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"from": "2029-13-01"}, '"2029-13-01" is not a date. Use YYYY-MM-DD'),
        ({"to": "yesterday"}, '"yesterday" is not a date. Use YYYY-MM-DD'),
        ({"from": "0001-01-01"}, "Use a date between 1992 and 2100."),
        ({"to": "9999-12-31"}, "Use a date between 1992 and 2100."),
        ({"kind": "party"}, 'Unknown kind of meeting "party".'),
        ({"partner": "tokyo"}, 'Unknown partner "tokyo": searching all partners.'),
        ({"partner": "<b>x</b>"}, 'Unknown partner "&lt;b&gt;x&lt;/b&gt;": searching all'),
        ({"kind": "%' OR 1=1"}, 'Unknown kind of meeting "%&#39; OR 1=1".'),
        ({"from": "2029-03-20", "to": "2029-03-01"}, "The first date is after the last one"),
    ],
)
def test_bad_filters_are_ignored_with_a_notice(auth, client, history, params, notice):
    auth.login("viewer", locale="en")
    html = page(client, q="签约", **params)
    assert notice.replace('"', "&#34;") in html
    assert hits(client, q="签约", **params) == ["MOU Signing Ceremony"]


def test_dates_reach_back_to_1992_as_the_history_does(auth, client, history):
    auth.login("viewer", locale="en")
    html = page(client, q="签约", **{"from": "1992-08-24", "to": "2100-12-31"})
    assert "Use a date between" not in html
    assert hits(client, q="签约", **{"from": "1992-08-24"}) == ["MOU Signing Ceremony"]
    assert hits(client, q="签约", to="1999-12-31") == []


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1e9", "99999999999999999999", ""])
def test_bad_page_numbers(auth, client, history, value):
    auth.login("viewer", locale="en")
    assert hits(client, q="签约", page=value) == ["MOU Signing Ceremony"]


def test_search_needs_a_login(client):
    response = client.get("/history/search", query_string={"q": "签约"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_main_search_lists_matching_meetings(auth, client, history):
    auth.login("viewer", locale="zh")
    html = client.get("/search", query_string={"q": "签约"}).get_data(as_text=True)
    meetings = html[html.index('id="meeting-results"') :]
    assert "<mark>签约</mark>" in meetings
    assert "/history/search?q=%E7%AD%BE%E7%BA%A6" in meetings


def test_reindex_command_rebuilds_the_index(app, history, db, organizer):
    # Rows written with Core inserts (a bulk import) bypass the listeners: reindex finds them.
    start = datetime(2029, 4, 1, 6, 0, tzinfo=UTC)
    bulk = db.session.execute(
        sa.insert(Meeting).values(
            uid="bulk-1", kind="forum", status="held", title_zh="批量导入的研讨会",
            start_dt=start, end_dt=start + timedelta(hours=2), organizer_id=organizer.id,
        ).returning(Meeting.id)
    ).scalar_one()  # fmt: skip
    db.session.commit()
    assert _documents_with(db, "批量") == []
    result = app.test_cli_runner().invoke(args=["history", "reindex"])
    assert result.exit_code == 0, result.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))
    assert result.output == f"search index: {count} meetings indexed\n"
    assert _documents_with(db, "批量") == [bulk]
    assert _documents_with(db, "研讨") == [bulk]
    assert _documents_with(db, "签约") == [history["signing"].id]
    assert _documents_with(db, "产业园") == [history["visit"].id]
    assert _documents_with(db, "youth") == [history["video"].id]


def test_a_deleted_meeting_leaves_the_index(history, db):
    db.session.delete(history["forum"])
    db.session.flush()
    assert _documents_with(db, "东北") == []
    assert db.session.get(SearchDocument, history["forum"].id) is None
