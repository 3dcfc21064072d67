"""A draft that was never sent can be deleted (audited); anything sent can only be cancelled
(walkthrough §3.6). The delete goes through the confirmation page like the other actions."""

from datetime import date

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from tests.conftest import count
from tests.invites_support import in_request
from tests.test_confirmation_pages import _post_from
from tests.test_series import _create

pytestmark = pytest.mark.usefixtures("smtp_app")


def test_a_draft_is_deleted_through_its_confirmation_page(auth, client, make_meeting,
                                                          make_contact):  # fmt: skip
    user = auth.login("coordinator", locale="zh")
    draft = make_meeting(title_zh="测试草稿", title_ko="시험 초안")
    services.add_participant(draft, contact=make_contact("busan"))
    db.session.commit()
    draft_id = draft.id
    page = client.get(f"/meetings/{draft_id}").get_data(as_text=True)
    assert f'id="action-delete" href="/meetings/{draft_id}/delete">删除草稿</a>' in page
    confirm = client.get(f"/meetings/{draft_id}/delete").get_data(as_text=True)
    assert '<h1 class="h3 mb-3">删除此草稿？</h1>' in confirm
    assert 'id="mailed-nobody"' in confirm
    assert db.session.get(Meeting, draft_id) is not None  # the page changed nothing
    response = _post_from(client, confirm)
    assert response.request.path == "/meetings/"
    assert "草稿已删除。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, draft_id) is None
    assert count(Participant, Participant.meeting_id == draft_id) == 0
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "delete"))
    assert (entry.object_type, entry.object_id, entry.user_id) == ("meetings", draft_id, user.id)
    assert entry.changes["title"] == ["测试草稿", None]


def test_a_sent_meeting_is_refused_and_kept(app, auth, client, make_meeting, make_contact):
    auth.login("coordinator", locale="ko")
    meeting = make_meeting()
    services.add_participant(meeting, contact=make_contact("busan"))
    db.session.commit()
    in_request(app, meeting.id, services.confirm)
    meeting = db.session.get(Meeting, meeting.id)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="action-delete"' not in page
    refused = client.get(f"/meetings/{meeting.id}/delete")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "발송된 적 없는 초안만 삭제할 수 있습니다. 이 회의는 취소해 주십시오." in text
    response = client.post(f"/meetings/{meeting.id}/delete", data={"version": meeting.version})
    assert response.status_code == 400
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    assert count(AuditEntry, AuditEntry.action == "delete") == 0


def test_stale_missing_and_unknown(auth, client, make_meeting):
    auth.login("coordinator", locale="zh")
    draft = make_meeting()
    version = draft.version
    services.update_meeting(draft, {"title_zh": "改过的标题"})
    db.session.commit()
    assert client.post(f"/meetings/{draft.id}/delete", data={"version": version}).status_code == 409
    assert client.post(f"/meetings/{draft.id}/delete", data={}).status_code == 400
    assert client.post("/meetings/999999/delete", data={"version": 1}).status_code == 404
    assert db.session.get(Meeting, draft.id) is not None


def test_a_draft_with_a_follow_up_goes_with_it(auth, client, make_meeting, make_user):
    auth.login("coordinator", locale="zh")
    draft = make_meeting()
    owner = make_user("coordinator")
    db.session.add(
        FollowUp(
            meeting_id=draft.id, title="准备材料", owner_id=owner.id, due_date=date(2030, 12, 1)
        )
    )
    db.session.commit()
    draft_id = draft.id
    client.post(f"/meetings/{draft_id}/delete", data={"version": draft.version})
    db.session.expire_all()
    assert db.session.get(Meeting, draft_id) is None
    assert count(FollowUp, FollowUp.meeting_id == draft_id) == 0


def test_series_dates_and_viewers_cannot_delete(auth, client, db):
    auth.login("coordinator", locale="zh")
    series = _create(client, db)
    first = series.meetings[0]
    assert client.get(f"/meetings/{first.id}/delete").status_code == 400
    auth.logout()
    auth.login("viewer", locale="zh")
    assert client.post(f"/meetings/{first.id}/delete", data={"version": 1}).status_code == 403
