"""Follow-up actions: added and edited on the meeting page, listed, audited, bad input refused."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FollowUp
from tests.conftest import count
from tests.follow_up_support import add_follow_up, count_statements

# 2030-12-04 00:30 in Changchun, still 12-03 in UTC: the meeting's day is 12-04 in its zone.
LATE_START = datetime(2030, 12, 3, 16, 30, tzinfo=UTC)
LATE_END = datetime(2030, 12, 3, 17, 30, tzinfo=UTC)


def _form(owner, **fields):
    data = {"title": "寄送合作备忘录草案", "owner_id": str(owner.id), "due_date": "2030-12-20",
            "notes": "附韩文版"}  # fmt: skip
    data.update(fields)
    return data


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(start_dt=LATE_START, end_dt=LATE_END)


def test_a_coordinator_adds_an_action_on_the_meeting_page(auth, client, meeting, make_user):
    auth.login("coordinator", locale="en")
    owner = make_user("coordinator", name_zh="李娜", timezone="Asia/Seoul")
    response = client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(owner))
    assert response.status_code == 302
    assert response.location == f"/meetings/{meeting.id}#follow-ups"
    [row] = db.session.scalars(sa.select(FollowUp).where(FollowUp.meeting_id == meeting.id))
    assert (row.title, row.owner_id, row.due_date, row.status, row.notes) == (
        "寄送合作备忘录草案", owner.id, date(2030, 12, 20), "open", "附韩文版",
    )  # fmt: skip
    # 09:00 in Seoul two days before the due date.
    assert row.remind_at == datetime(2030, 12, 18, 0, 0, tzinfo=UTC)
    assert (row.reminder_sent_at, row.completed_at) == (None, None)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<tr id="follow-up-{row.id}">' in html
    assert "寄送合作备忘录草案" in html and "李娜" in html and "Fri, Dec 20" in html


def test_the_due_date_may_be_the_meetings_day_in_its_own_zone(auth, client, meeting):
    user = auth.login("coordinator", locale="en")
    response = client.post(f"/meetings/{meeting.id}/follow-ups",
                           data=_form(user, due_date="2030-12-04"))  # fmt: skip
    assert response.status_code == 302
    assert count(FollowUp, FollowUp.meeting_id == meeting.id) == 1


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "The due date cannot be before the meeting&#39;s date, Wed, Dec 4."),
        ("zh", "截止日期不能早于会议日期12月4日（周三）。"),
        ("ko", "기한은 회의 날짜인 12월 4일(수)보다 앞설 수 없습니다."),
    ],
)
def test_a_due_date_before_the_meeting_is_refused(auth, client, meeting, lang, message):
    user = auth.login("coordinator", locale=lang)
    # 12-03 is the meeting's date in UTC, but not on the Changchun clock it was planned on.
    response = client.post(f"/meetings/{meeting.id}/follow-ups",
                           data=_form(user, due_date="2030-12-03"))  # fmt: skip
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback d-block" id="due_date-error">{message}</div>' in html
    assert 'value="寄送合作备忘录草案"' in html  # the form keeps what was typed
    assert count(FollowUp, FollowUp.meeting_id == meeting.id) == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Enter a title."),
        ({"title": "议" * 201}, "title", "At most 200 characters."),
        ({"owner_id": "999999"}, "owner_id", "Choose an active staff member as the owner."),
        ({"owner_id": "x'; --"}, "owner_id", "Choose an active staff member as the owner."),
        ({"owner_id": "9" * 30}, "owner_id", "Choose an active staff member as the owner."),
        ({"owner_id": ""}, "owner_id", "Choose an active staff member as the owner."),
        ({"due_date": "2030-13-01"}, "due_date", "Enter a date such as 2026-12-03."),
        ({"due_date": ""}, "due_date", "Enter a due date."),
        ({"notes": "x" * 5001}, "notes", "At most 5000 characters."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(auth, client, meeting, fields, field, message):
    user = auth.login("coordinator", locale="en")
    response = client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(user, **fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback d-block" id="{field}-error">{message}</div>' in html
    assert count(FollowUp, FollowUp.meeting_id == meeting.id) == 0


def test_an_inactive_owner_is_refused(auth, client, meeting, make_user):
    auth.login("coordinator", locale="en")
    gone = make_user("coordinator", is_active_user=False)
    response = client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(gone))
    assert response.status_code == 400
    assert "Choose an active staff member as the owner." in response.get_data(as_text=True)
    assert count(FollowUp, FollowUp.meeting_id == meeting.id) == 0
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<option value="{gone.id}"' not in page  # not offered either


def test_an_owner_who_left_must_be_replaced_when_the_action_is_edited(auth, client, meeting,
                                                                     make_user):  # fmt: skip
    auth.login("coordinator", locale="en")
    leaver = make_user("coordinator", name_zh="离职者")
    follow_up = add_follow_up(meeting, leaver)
    leaver.is_active_user = False
    db.session.commit()
    url = f"/follow-ups/{follow_up.id}/edit"
    option = f'<option selected value="{leaver.id}">离职者 ({leaver.email})</option>'
    assert option in client.get(url).text
    response = client.post(url, data=_form(leaver, status="open", notes="改"))
    assert response.status_code == 400
    assert "Choose an active staff member as the owner." in response.text
    db.session.expire_all()
    assert follow_up.notes == ""


def test_an_unknown_meeting_is_404(auth, client):
    user = auth.login("coordinator")
    assert client.post("/meetings/999999/follow-ups", data=_form(user)).status_code == 404
    assert client.get("/follow-ups/999999/edit").status_code == 404


def test_a_viewer_reads_but_cannot_change(auth, client, meeting, make_user):
    owner = make_user("coordinator")
    follow_up = add_follow_up(meeting, owner)
    viewer = auth.login("viewer", locale="en")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "寄送合作备忘录草案" in page and 'id="new-follow-up"' not in page
    assert client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(viewer)).status_code == 403
    edit = client.get(f"/follow-ups/{follow_up.id}/edit")
    assert edit.status_code == 200 and '<form method="post" novalidate' not in edit.text
    assert client.post(f"/follow-ups/{follow_up.id}/edit", data=_form(owner)).status_code == 403
    done = client.post(f"/follow-ups/{follow_up.id}/status", data={"status": "done"})
    assert done.status_code == 403
    db.session.expire_all()
    assert (follow_up.status, count(FollowUp, FollowUp.meeting_id == meeting.id)) == ("open", 1)


def test_the_owner_marks_their_own_action_done_even_as_a_viewer(auth, client, meeting):
    owner = auth.login("viewer", locale="en")
    follow_up = add_follow_up(meeting, owner)
    response = client.post(f"/follow-ups/{follow_up.id}/status", data={"status": "done"})
    assert response.status_code == 302
    assert response.location == f"/meetings/{meeting.id}#follow-ups"
    db.session.expire_all()
    assert follow_up.status == "done" and follow_up.completed_at is not None


def test_done_dropped_and_reopened(auth, client, meeting):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(meeting, auth.user)
    back = "/follow-ups/?who=all"
    response = client.post(f"/follow-ups/{follow_up.id}/status",
                           data={"status": "done", "next": back})  # fmt: skip
    assert (response.status_code, response.location) == (302, back)
    db.session.expire_all()
    completed = follow_up.completed_at
    assert follow_up.status == "done" and completed.tzinfo is UTC
    client.post(f"/follow-ups/{follow_up.id}/status", data={"status": "open"})
    db.session.expire_all()
    assert (follow_up.status, follow_up.completed_at) == ("open", None)
    client.post(f"/follow-ups/{follow_up.id}/status", data={"status": "dropped"})
    db.session.expire_all()
    assert (follow_up.status, follow_up.completed_at) == ("dropped", None)


def test_an_unknown_status_changes_nothing(auth, client, meeting):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(meeting, auth.user)
    data = {"status": "finished", "next": "https://evil.example/"}
    response = client.post(f"/follow-ups/{follow_up.id}/status", data=data)
    assert (response.status_code, response.location) == (303, "/")
    assert "Choose one of the values offered." in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert follow_up.status == "open"


def test_editing_the_due_date_or_owner_reschedules_the_reminder(auth, client, meeting, make_user):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(meeting, auth.user)  # the owner's zone is Asia/Shanghai
    assert follow_up.remind_at == datetime(2030, 12, 18, 1, 0, tzinfo=UTC)
    follow_up.reminder_sent_at = datetime(2030, 12, 18, 1, 0, tzinfo=UTC)
    db.session.commit()
    url = f"/follow-ups/{follow_up.id}/edit"
    assert client.get(url).status_code == 200
    data = _form(auth.user, due_date="2030-12-27", status="open", notes="")
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert (follow_up.remind_at, follow_up.reminder_sent_at) == (
        datetime(2030, 12, 25, 1, 0, tzinfo=UTC), None,
    )  # fmt: skip
    follow_up.reminder_sent_at = datetime(2030, 12, 25, 1, 0, tzinfo=UTC)
    db.session.commit()
    seoul = make_user("coordinator", timezone="Asia/Seoul")
    assert client.post(url, data={**data, "owner_id": str(seoul.id)}).status_code == 302
    db.session.expire_all()
    assert (follow_up.owner_id, follow_up.remind_at, follow_up.reminder_sent_at) == (
        seoul.id, datetime(2030, 12, 25, 0, 0, tzinfo=UTC), None,
    )  # fmt: skip
    sent = datetime(2030, 12, 25, 0, 0, tzinfo=UTC)
    follow_up.reminder_sent_at = sent
    db.session.commit()
    notes_only = {**data, "owner_id": str(seoul.id), "notes": "改"}
    assert client.post(url, data=notes_only).status_code == 302
    db.session.expire_all()
    assert follow_up.reminder_sent_at == sent  # only notes changed: not reminded again


def test_the_edit_form_refuses_bad_input(auth, client, meeting):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(meeting, auth.user)
    url = f"/follow-ups/{follow_up.id}/edit"
    response = client.post(url, data=_form(auth.user, due_date="2030-11-30", status="open"))
    assert response.status_code == 400
    assert "cannot be before the meeting&#39;s date, Wed, Dec 4." in response.text
    response = client.post(url, data=_form(auth.user, status="finished"))
    assert response.status_code == 400
    db.session.expire_all()
    assert (follow_up.due_date, follow_up.status) == (date(2030, 12, 20), "open")


def test_the_edit_form_can_mark_done(auth, client, meeting):
    auth.login("coordinator", locale="en")
    follow_up = add_follow_up(meeting, auth.user)
    data = _form(auth.user, status="done")
    assert client.post(f"/follow-ups/{follow_up.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert follow_up.status == "done" and follow_up.completed_at is not None


def test_changes_are_audited_with_before_and_after(auth, client, meeting):
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(auth.user))
    follow_up = db.session.scalar(sa.select(FollowUp).where(FollowUp.meeting_id == meeting.id))
    client.post(f"/follow-ups/{follow_up.id}/edit",
                data=_form(auth.user, title="签署备忘录", status="open"))  # fmt: skip
    client.post(f"/follow-ups/{follow_up.id}/status", data={"status": "done"})
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "follow_ups", AuditEntry.object_id == follow_up.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.user_id) for e in entries] == [
        ("create", auth.user.id), ("update", auth.user.id), ("update", auth.user.id),
    ]  # fmt: skip
    assert entries[0].changes["title"] == [None, "寄送合作备忘录草案"]
    assert entries[1].changes == {"title": ["寄送合作备忘录草案", "签署备忘录"]}
    assert entries[2].changes["status"] == ["open", "done"]
    assert entries[2].object_label == "签署备忘录"


@pytest.fixture
def past_meeting(make_meeting):
    """A meeting held long ago, on the Gwangju partner (merged into Jeonnam-Gwangju)."""
    return make_meeting(start_dt=datetime(2020, 5, 6, 2, 0, tzinfo=UTC),
                        end_dt=datetime(2020, 5, 6, 3, 0, tzinfo=UTC),
                        partners=("gwangju",))  # fmt: skip


def test_the_list_shows_mine_or_everyones_and_the_overdue_ones(auth, client, past_meeting,
                                                               make_user):  # fmt: skip
    me = auth.login("coordinator", locale="en")
    other = make_user("coordinator", name_zh="张伟")
    late_mine = add_follow_up(past_meeting, me, "回复光州市函件", date(2020, 6, 1))
    later_mine = add_follow_up(past_meeting, me, "准备年度报告", date(2099, 1, 1))
    late_other = add_follow_up(past_meeting, other, "安排回访", date(2020, 7, 1))
    ids = lambda html: [fu.id for fu in (late_mine, later_mine, late_other)  # noqa: E731
                        if f'id="follow-up-{fu.id}"' in html]  # fmt: skip
    assert ids(client.get("/follow-ups/").text) == [late_mine.id, later_mine.id]
    assert ids(client.get("/follow-ups/?who=all").text) == [late_mine.id, later_mine.id,
                                                            late_other.id]  # fmt: skip
    assert ids(client.get("/follow-ups/?who=all&overdue=1").text) == [late_mine.id, late_other.id]
    assert ids(client.get("/follow-ups/?overdue=1").text) == [late_mine.id]
    client.post(f"/follow-ups/{late_mine.id}/status", data={"status": "done"})
    assert ids(client.get("/follow-ups/?overdue=1").text) == []
    assert ids(client.get("/follow-ups/?status=done").text) == [late_mine.id]
    html = client.get("/follow-ups/?who=nobody&status=%27%3B&overdue=yes").text
    assert ids(html) == [late_mine.id, later_mine.id]  # unknown filters: the defaults
    response = client.get("/follow-ups/?who=all&overdue=1&status=open")
    list_html = response.get_data(as_text=True)
    assert '<span class="badge text-bg-danger">Overdue</span>' in list_html


def test_the_partner_page_and_its_successor_show_overdue_actions(auth, client, past_meeting,
                                                                 make_user):  # fmt: skip
    auth.login("viewer", locale="en")
    owner = make_user("coordinator")
    late = add_follow_up(past_meeting, owner, "回复光州市函件", date(2020, 6, 1))
    not_yet = add_follow_up(past_meeting, owner, "准备年度报告", date(2099, 1, 1))
    for slug in ("gwangju", "jeonnam-gwangju"):
        html = client.get(f"/partners/{slug}").get_data(as_text=True)
        assert 'id="overdue-follow-ups"' in html, slug
        assert f'id="follow-up-{late.id}"' in html and f'id="follow-up-{not_yet.id}"' not in html
    assert 'id="overdue-follow-ups"' not in client.get("/partners/seoul").get_data(as_text=True)


def test_the_meeting_page_queries_do_not_grow_with_the_actions(auth, client, meeting, make_user,
                                                                 app):  # fmt: skip
    auth.login("coordinator", locale="en")
    add_follow_up(meeting, make_user("coordinator"))
    with count_statements(app) as one:
        assert client.get(f"/meetings/{meeting.id}").status_code == 200
    for _ in range(5):
        add_follow_up(meeting, make_user("viewer"))
    with count_statements(app) as six:
        assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert six.count == one.count


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_the_follow_up_pages_are_translated(auth, client, past_meeting, lang):
    from tests.test_i18n import english_left_in

    me = auth.login("coordinator", locale=lang)
    late = add_follow_up(past_meeting, me, "回复光州市函件", date(2020, 6, 1), notes="附件")
    add_follow_up(past_meeting, me, "准备年度报告", date(2099, 1, 1), status="done")
    for url in (f"/follow-ups/{late.id}/edit", "/follow-ups/?who=all", "/follow-ups/?overdue=1",
                f"/meetings/{past_meeting.id}", "/partners/gwangju"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left_in(response.get_data(as_text=True)) == [], url


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_messages_with_a_date_have_no_brackets_inside_brackets(auth, client, meeting, lang):
    """Dates carry their weekday in brackets (12月4日（周三）): a message never puts them in
    brackets again."""
    user = auth.login("coordinator", locale=lang)
    pages = [
        client.post(f"/meetings/{meeting.id}/follow-ups", data=_form(user, due_date="2030-12-03")),
        client.get("/follow-ups/"),
        client.get("/"),
    ]
    nested = re.compile(r"[（(][^（）()<>]*[（(][^（）()<>]*[）)][^（）()<>]*[）)]")
    assert [r.status_code for r in pages] == [400, 200, 200]
    for response in pages:
        text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
        assert not nested.findall(text), nested.findall(text)
