"""Outcome, minutes and decisions of a held meeting; Markdown rendered inert."""

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.history.markdown import render_markdown
from scheduler.history.outcomes.models import MeetingOutcome
from tests.conftest import count
from tests.history_outcome_support import mark_held, outcome_signals
from tests.visits_support import element_text

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("a <img src=x onerror=alert(1)> b", "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n"),
        ("<div onclick='x()'>hi</div>", "<p>&lt;div onclick='x()'&gt;hi&lt;/div&gt;</p>\n"),
        ("[go](javascript:alert(1))", "<p>[go](javascript:alert(1))</p>\n"),
        ("[go](JaVaScRiPt:alert(1))", "<p>[go](JaVaScRiPt:alert(1))</p>\n"),
        ("[go](jav&#x61;script:alert(1))", "<p>[go](javascript:alert(1))</p>\n"),
        ("[go](jav&#97;script&colon;alert(1))", "<p>[go](javascript:alert(1))</p>\n"),
        ("[go](vbscript:msgbox(1))", "<p>[go](vbscript:msgbox(1))</p>\n"),
        ("[go](data:text/html,<b>x)", "<p>[go](data:text/html,&lt;b&gt;x)</p>\n"),
        ("[go](file:///etc/passwd)", "<p>[go](file:///etc/passwd)</p>\n"),
        ("[go](/meetings/1)", "<p>[go](/meetings/1)</p>\n"),
        ("[go][r]\n\n[r]: javascript:x()", "<p>[go][r]</p>\n<p>[r]: javascript:x()</p>\n"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
        ("![logo](https://tracker.example/pixel.png)", "<p>logo</p>\n"),
        ("![](https://tracker.example/pixel.png)", "<p></p>\n"),
        ("![x](data:image/png;base64,iVBO)", "<p>![x](data:image/png;base64,iVBO)</p>\n"),
        ("[go](https://example.org/a?b=1&c=2)",
         f'<p><a href="https://example.org/a?b=1&amp;c=2" {REL}>go</a></p>\n'),
        ('[go](https://example.org "a\\"<b>")',
         f'<p><a href="https://example.org" title="a&quot;&lt;b&gt;" {REL}>go</a></p>\n'),
        ("[go][ref]\n\n[ref]: https://example.org/r",
         f'<p><a href="https://example.org/r" {REL}>go</a></p>\n'),
        ("<https://example.org/x>",
         f'<p><a href="https://example.org/x" {REL}>https://example.org/x</a></p>\n'),
        ("<kim@seoul.example.kr>",
         f'<p><a href="mailto:kim@seoul.example.kr" {REL}>kim@seoul.example.kr</a></p>\n'),
        ("[![pic](https://x.example/p.png)](https://example.org)",
         f'<p><a href="https://example.org" {REL}>pic</a></p>\n'),
        ("**签约** _협약_", "<p><strong>签约</strong> <em>협약</em></p>\n"),
    ],
)  # fmt: skip
def test_markdown_is_rendered_inert(source, html):
    assert str(render_markdown(source)) == html


def test_markdown_blank_and_tables():
    assert str(render_markdown("")) == "" and str(render_markdown("  \n")) == ""
    assert str(render_markdown(None)) == ""
    table = "| 项目 | 负责 |\n|---|---|\n| 签约 | 金 |"
    assert str(render_markdown(table)) == (
        "<table>\n<thead>\n<tr>\n<th>项目</th>\n<th>负责</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>签约</td>\n<td>金</td>\n</tr>\n</tbody>\n</table>\n"
    )


def _outcome_form(**overrides):
    data = {
        "summary_zh": "双方同意在新能源汽车领域加强合作。",
        "summary_ko": "양측은 신에너지 자동차 분야 협력을 강화하기로 합의했다.",
        "minutes": "1. 开场致辞\n2. **签约** 仪式",
        "decisions": "- 下次视频连线定于三月",
    }
    data.update(overrides)
    return data


def _outcome_of(db, meeting):
    return db.session.scalar(
        sa.select(MeetingOutcome).where(MeetingOutcome.meeting_id == meeting.id)
    )


@pytest.fixture
def held_meeting(auth, client, make_meeting):
    meeting = make_meeting(organizer=auth.login("coordinator", locale="zh"))
    mark_held(client, meeting)
    return meeting


def test_record_outcome_of_a_held_meeting(client, db, held_meeting):
    page = client.get(f"/meetings/{held_meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{held_meeting.id}/outcome"' in page
    assert client.get(f"/meetings/{held_meeting.id}/outcome").status_code == 200
    with outcome_signals() as received:
        response = client.post(f"/meetings/{held_meeting.id}/outcome", data=_outcome_form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{held_meeting.id}"
    assert received == [held_meeting.id]
    outcome = _outcome_of(db, held_meeting)
    assert outcome.summary_ko == "양측은 신에너지 자동차 분야 협력을 강화하기로 합의했다."
    page = client.get(f"/meetings/{held_meeting.id}").get_data(as_text=True)
    assert element_text(page, "outcome-summary-zh") == "双方同意在新能源汽车领域加强合作。"
    assert "<li><strong>签约</strong> 仪式</li>" in page
    assert element_text(page, "outcome-decisions") == "下次视频连线定于三月"


def test_hostile_minutes_are_inert_on_the_page(client, held_meeting):
    minutes = ("<script>alert('x')</script>\n\n[click](javascript:alert(1)) "
               "![img](https://evil.example/t.png) [ok](https://example.org)")  # fmt: skip
    data = _outcome_form(minutes=minutes, summary_zh="<b>粗</b>")
    assert client.post(f"/meetings/{held_meeting.id}/outcome", data=data).status_code == 302
    page = client.get(f"/meetings/{held_meeting.id}").get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "evil.example" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert f'<a href="https://example.org" {REL}>ok</a>' in page
    assert "&lt;b&gt;粗&lt;/b&gt;" in page


def test_outcome_needs_a_held_meeting(auth, client, db, make_meeting, translated):
    meeting = make_meeting()
    auth.login("coordinator", locale="ko")
    message = translated("ko", "An outcome can be recorded only once the meeting has been held.")
    for response in (
        client.get(f"/meetings/{meeting.id}/outcome"),
        client.post(f"/meetings/{meeting.id}/outcome", data=_outcome_form()),
    ):
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _outcome_of(db, meeting) is None
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/outcome" not in page


def test_outcome_form_errors_change_nothing(client, db, held_meeting, translated):
    url = f"/meetings/{held_meeting.id}/outcome"
    response = client.post(url, data=_outcome_form(summary_zh=" ", summary_ko=""))
    assert response.status_code == 400
    assert translated("zh", "Write the summary in Chinese or in Korean.") in response.get_data(
        as_text=True
    )
    response = client.post(url, data=_outcome_form(summary_ko="가" * 5001))
    assert response.status_code == 400
    assert translated("zh", "At most %(max)d characters.", max=5000) in response.get_data(
        as_text=True
    )
    assert _outcome_of(db, held_meeting) is None
    assert client.post("/meetings/999999/outcome", data=_outcome_form()).status_code == 404


def test_only_one_summary_language_is_enough(client, db, held_meeting):
    data = _outcome_form(summary_zh="", minutes="", decisions="")
    assert client.post(f"/meetings/{held_meeting.id}/outcome", data=data).status_code == 302
    outcome = _outcome_of(db, held_meeting)
    assert (outcome.summary_zh, outcome.minutes, outcome.decisions) == ("", "", "")


def test_viewer_sees_the_outcome_but_cannot_edit(auth, client, db, held_meeting):
    client.post(f"/meetings/{held_meeting.id}/outcome", data=_outcome_form())
    auth.logout()
    auth.login("viewer", locale="zh")
    page = client.get(f"/meetings/{held_meeting.id}").get_data(as_text=True)
    assert element_text(page, "outcome-summary-zh") == "双方同意在新能源汽车领域加强合作。"
    assert 'id="outcome-edit"' not in page
    response = client.post(
        f"/meetings/{held_meeting.id}/outcome", data=_outcome_form(summary_zh="改")
    )
    assert response.status_code == 403
    assert client.get(f"/meetings/{held_meeting.id}/outcome").status_code == 403
    assert _outcome_of(db, held_meeting).summary_zh == "双方同意在新能源汽车领域加强合作。"


def test_editing_keeps_previous_versions_in_the_audit_log(auth, client, db, held_meeting):
    editor = auth.user
    url = f"/meetings/{held_meeting.id}/outcome"
    client.post(url, data=_outcome_form())
    client.post(
        url, data=_outcome_form(summary_zh="双方签署了合作备忘录。", decisions="- 四月互访")
    )
    outcome = _outcome_of(db, held_meeting)
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "meeting_outcomes", AuditEntry.object_id == outcome.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert {e.user_id for e in entries} == {editor.id}
    assert entries[0].changes["summary_zh"] == [None, "双方同意在新能源汽车领域加强合作。"]
    assert entries[1].changes == {
        "summary_zh": ["双方同意在新能源汽车领域加强合作。", "双方签署了合作备忘录。"],
        "decisions": ["- 下次视频连线定于三月", "- 四月互访"],
    }
    assert entries[1].object_label == held_meeting.title_zh  # the meeting, as people know it
    assert count(MeetingOutcome, MeetingOutcome.meeting_id == held_meeting.id) == 1


def test_audit_page_shows_the_previous_version(auth, client, held_meeting):
    url = f"/meetings/{held_meeting.id}/outcome"
    client.post(url, data=_outcome_form())
    client.post(url, data=_outcome_form(summary_ko="양측은 협약을 체결했다."))
    auth.logout()
    auth.login("admin", locale="en")
    page = client.get("/audit/").get_data(as_text=True)
    assert "양측은 신에너지 자동차 분야 협력을 강화하기로 합의했다." in page
    assert "양측은 협약을 체결했다." in page


def test_the_form_has_room_to_write_and_plain_help(client, held_meeting):
    """Minutes get a tall box; the help says what the marks do, not "Markdown"."""
    page = client.get(f"/meetings/{held_meeting.id}/outcome").get_data(as_text=True)
    assert 'id="minutes" maxlength="100000" name="minutes" rows="12">' in page
    help_text = (
        "可使用简单格式：**粗体**；以“- ”开头的行显示为列表；可加入链接（http、https、mailto）。"
    )
    assert help_text in page
    assert "Markdown" not in page
