"""The technical check's time (walkthrough §2 A): on the meeting page for staff, and in the
invitation of the side that runs it (the host side; ours when none is set), never in the
other side's, on each reader's clock first."""

import pytest

from scheduler.meetings.models import Meeting
from tests.invites_support import confirm_for_two_readers

ZH_LINE = "技术调试：12月3日（周二）14:00（北京时间） / 15:00（首尔时间），会前30分钟"
KO_LINE = "사전 기술 점검: 12월 3일(화) 15:00(한국 시간) / 14:00(중국 시간), 회의 시작 30분 전"


def test_the_meeting_page_shows_the_check_on_the_viewers_clock(auth, client, make_meeting):
    meeting = make_meeting()  # a video link: 30 minutes by default
    auth.login("viewer", locale="zh")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert (
        '<dd class="col-sm-9" id="meeting-tech-check">'
        "12月3日（周二）14:00（北京时间） / 15:00（首尔时间），会前30分钟</dd>"
    ) in page
    auth.logout()
    client.delete_cookie("locale")
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "12월 3일(화) 15:00(한국 시간) / 14:00(중국 시간), 회의 시작 30분 전</dd>" in page


@pytest.mark.parametrize(
    "fields", [{"tech_check_minutes": 0}, {"kind": "signing", "tech_check_minutes": 30}]
)
def test_no_line_without_a_check(auth, client, make_meeting, fields):
    meeting = make_meeting(**fields)
    auth.login("viewer", locale="zh")
    assert "meeting-tech-check" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def _texts(mail, contact, staff) -> tuple[str, str]:
    received = mail()
    [theirs], [ours] = received[contact.email], received[staff.email]
    return theirs.text(), ours.text()


@pytest.mark.usefixtures("smtp_app")
def test_our_side_runs_the_check_when_we_host(make_meeting, make_contact, make_user, db, client,
                                               mail):  # fmt: skip
    _m, contact, staff = confirm_for_two_readers(make_meeting, make_contact, make_user, db, client)
    theirs, ours = _texts(mail, contact, staff)
    assert ZH_LINE in ours.splitlines()
    assert "기술 점검" not in theirs


@pytest.mark.usefixtures("smtp_app")
def test_the_partner_runs_the_check_when_they_host(make_meeting, make_contact, make_user, db,
                                                   client, mail):  # fmt: skip
    _m, contact, staff = confirm_for_two_readers(
        make_meeting, make_contact, make_user, db, client, host_side="kr"
    )
    theirs, ours = _texts(mail, contact, staff)
    assert KO_LINE in theirs.splitlines()
    assert "技术调试" not in ours
    assert db.session.get(Meeting, _m.id).host_side == "kr"
