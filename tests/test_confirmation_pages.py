"""Actions that e-mail people go through a confirmation page (issue 12, item 5): the page
names who will be mailed (name · partner, e-mail), changes nothing, and its button posts the
action, whose message says how many people are mailed."""

import re

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.conftest import count
from tests.test_series import _create

pytestmark = pytest.mark.usefixtures("smtp_app")


@pytest.fixture
def people(make_user, make_contact):
    """A Busan contact writing in Korean and a Chinese colleague (both with an address)."""
    return {
        "kim": make_contact("busan", family_name_ko="김", given_name_ko="서연",
                            family_name_zh="金", given_name_zh="瑞妍",
                            email="seoyeon.kim@busan.example.kr"),
        "li": make_user("coordinator", name_zh="李明", name_ko="리밍",
                        email="li.ming@cnkr-zone.example.cn"),
    }  # fmt: skip


@pytest.fixture
def meeting(db, make_meeting, people):
    made = make_meeting(partners=("busan",))
    services.add_participant(made, contact=people["kim"])
    services.add_participant(made, user=people["li"])
    db.session.commit()
    return made


def _listed(html: str) -> list[str]:
    """The recipients as the page lists them, tags stripped."""
    found = re.findall(r'<li class="list-group-item mailed-person">(.*?)</li>', html)
    return [re.sub(r"<[^>]+>", "", item) for item in found]


def _post_from(client, html: str, **data):
    """Press the page's button: its form's action and hidden fields, plus *data*."""
    form = (
        html.split('id="confirm-form"')[0].rsplit("<form", 1)[1]
        + html.split('id="confirm-form"')[1].split("</form>")[0]
    )
    action = re.search(r'action="([^"]+)"', form).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    return client.post(action, data={**hidden, **data}, follow_redirects=True)


def _outbox() -> list[str]:
    return sorted(db.session.scalars(sa.select(OutboxMessage.recipient)))


def test_confirm_page_names_who_is_mailed_and_changes_nothing(auth, client, meeting):
    auth.login("coordinator", locale="zh")
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'id="action-confirm" href="/meetings/{meeting.id}/confirm">确认</a>' in detail
    response = client.get(f"/meetings/{meeting.id}/confirm")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 class="h3 mb-3">确认此会议吗？</h1>' in html
    assert "将向以下 2 人发送邮件：" in html
    assert _listed(html) == [
        "金瑞妍 · 釜山广域市 · seoyeon.kim@busan.example.kr",
        "李明 · li.ming@cnkr-zone.example.cn",
    ]
    saved = db.session.get(Meeting, meeting.id)
    assert (saved.status, saved.sequence, saved.version) == ("draft", 0, 1)
    assert _outbox() == [] and count(AuditEntry, AuditEntry.action == "update") == 0
    done = _post_from(client, html).get_data(as_text=True)
    assert "已确认会议，将向 2 人发送通知。" in done
    assert _outbox() == ["li.ming@cnkr-zone.example.cn", "seoyeon.kim@busan.example.kr"]


def test_cancel_page_in_korean_asks_the_reason_and_lists_those_invited(auth, client, meeting):
    auth.login("coordinator", locale="ko")
    _post_from(client, client.get(f"/meetings/{meeting.id}/confirm").get_data(as_text=True))
    html = client.get(f"/meetings/{meeting.id}/cancel").get_data(as_text=True)
    assert '<h1 class="h3 mb-3">이 회의를 취소하시겠습니까?</h1>' in html
    assert _listed(html) == [
        "김서연 · 부산광역시 · seoyeon.kim@busan.example.kr",
        "리밍 · li.ming@cnkr-zone.example.cn",
    ]
    assert 'name="reason"' in html and ">회의 취소</button>" in html
    refused = _post_from(client, html, reason="  ").get_data(as_text=True)
    assert "이 회의를 취소하시겠습니까?" in refused  # back on the page, nothing done
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    done = _post_from(client, html, reason="부산 측 내부 일정").get_data(as_text=True)
    assert "회의를 취소했습니다. 2명에게 안내 메일을 보냅니다." in done


def test_a_draft_mails_nobody_and_the_page_says_so(auth, client, meeting):
    auth.login("coordinator", locale="zh")
    for action, heading in (("cancel", "取消此会议吗？"), ("postpone", "推迟此会议吗？")):
        html = client.get(f"/meetings/{meeting.id}/{action}").get_data(as_text=True)
        assert heading in html and _listed(html) == []
        assert '<p id="mailed-nobody">不会向任何人发送邮件。</p>' in html


def test_removing_a_participant_names_only_them(auth, client, meeting, people):
    auth.login("coordinator", locale="zh")
    _post_from(client, client.get(f"/meetings/{meeting.id}/confirm").get_data(as_text=True))
    kim = next(p for p in db.session.get(Meeting, meeting.id).participants if p.contact_id)
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/participants/{kim.id}/remove">移除</a>' in detail
    html = client.get(f"/meetings/{meeting.id}/participants/{kim.id}/remove").get_data(as_text=True)
    assert "将金瑞妍从此会议中移除吗？" in html
    assert _listed(html) == ["金瑞妍 · 釜山广域市 · seoyeon.kim@busan.example.kr"]
    assert len(db.session.get(Meeting, meeting.id).participants) == 2
    done = _post_from(client, html).get_data(as_text=True)
    assert "已移除该参会人员，将向 1 人发送通知。" in done


def test_postpone_page_then_a_stale_version_is_refused(auth, client, meeting):
    auth.login("coordinator", locale="en")
    html = client.get(f"/meetings/{meeting.id}/postpone").get_data(as_text=True)
    assert '<h1 class="h3 mb-3">Postpone this meeting?</h1>' in html
    in_between = db.session.get(Meeting, meeting.id)
    services.update_meeting(in_between, {"location_zh": "二号会议室"})
    db.session.commit()
    response = _post_from(client, html, reason="Agenda not ready")
    assert response.status_code == 409
    assert db.session.get(Meeting, meeting.id).status == "draft"


def test_bad_addresses_and_closed_meetings(auth, client, meeting, make_meeting):
    other = make_meeting()
    auth.login("coordinator", locale="zh")
    kim = meeting.participants[0]
    assert client.get(f"/meetings/{meeting.id}/explode").status_code == 404
    assert client.get("/meetings/999999/confirm").status_code == 404
    assert client.get(f"/meetings/{other.id}/participants/{kim.id}/remove").status_code == 404
    services.cancel(db.session.get(Meeting, other.id), "台风")
    db.session.commit()
    response = client.get(f"/meetings/{other.id}/confirm")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="confirm-refused">已取消或已举行的会议不能修改。</div>' in html
    assert 'id="confirm-button"' not in html


def test_viewers_get_no_confirmation_pages(auth, client, meeting):
    auth.login("viewer", locale="en")
    assert client.get(f"/meetings/{meeting.id}/confirm").status_code == 403
    assert 'id="action-confirm"' not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_series_cancel_pages_and_their_counts(client, db, auth, make_contact):
    auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    contact = make_contact("seoul", email="series.guest@seoul.example.kr")
    series = _create(client, db, start_local="2030-09-03T14:30", end_local="2030-09-03T16:00")
    client.post(f"/meetings/series/{series.id}/participants",
                data={"person": f"contact:{contact.id}", "role": "participant"})  # fmt: skip
    page = client.get(f"/meetings/series/{series.id}").get_data(as_text=True)
    assert '<li class="list-inline-item">金敏洙 · 首尔特别市</li>' in page
    html = client.get(f"/meetings/series/{series.id}/confirm").get_data(as_text=True)
    assert "确认此定期会议的全部场次吗？" in html
    assert _listed(html) == ["金敏洙 · 首尔特别市 · series.guest@seoul.example.kr"]
    assert "已确认全部会议，将向 1 人发送通知。" in _post_from(client, html).get_data(as_text=True)
    second = series.meetings[1]
    url = f"/meetings/series/{series.id}/occurrences/{second.id}/cancel"
    html = client.get(url + "?scope=one").get_data(as_text=True)
    assert ">仅取消本次</button>" in html and len(_listed(html)) == 1
    refused = _post_from(client, html, reason="")
    assert refused.status_code == 400 and "请填写原因。" in refused.get_data(as_text=True)
    done = _post_from(client, html, reason="中秋节").get_data(as_text=True)
    assert "已取消会议，将向 1 人发送通知。" in done
    html = client.get(f"/meetings/series/{series.id}/cancel").get_data(as_text=True)
    assert "取消此定期会议的全部场次吗？" in html and ">取消全部场次</button>" in html
    done = _post_from(client, html, reason="项目结束").get_data(as_text=True)
    assert "已取消各次会议，将向 1 人发送通知。" in done
    assert {m.status for m in series.meetings} == {"cancelled"}
    assert client.get(f"/meetings/series/{series.id}/occurrences/999999/cancel").status_code == 404
