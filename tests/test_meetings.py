"""Meetings: the form reads times in the planning zone, both clocks shown, bad input refused."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.meetings.models import Meeting
from scheduler.partners.services import get_partner
from tests.conftest import count


def _form(**overrides):
    data = {
        "kind": "video_link",
        "title_zh": "长春—首尔视频连线",
        "title_ko": "창춘-서울 화상회의",
        "partners": [str(get_partner("seoul").id)],
        "timezone": "Asia/Shanghai",
        "start_local": "2030-12-03T14:30",
        "end_local": "2030-12-03T16:00",
        "room_id": "0",
        "host_side": "cn",
        "platform": "Tencent Meeting",
        "join_url": "https://meeting.tencent.com/dm/abc",
        "meeting_code": "123 456 789",
        "passcode": "2030",
        "tech_check_minutes": "30",
    }
    data.update(overrides)
    return data


def _newest(db):
    return db.session.scalars(sa.select(Meeting).order_by(Meeting.id.desc())).first()


def test_create_reads_times_in_the_planning_zone(auth, client, db):
    auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    response = client.post("/meetings/new", data=_form())
    assert response.status_code == 302
    meeting = _newest(db)
    assert meeting.start_dt == datetime(2030, 12, 3, 6, 30, tzinfo=UTC)
    assert meeting.end_dt == datetime(2030, 12, 3, 8, 0, tzinfo=UTC)
    assert meeting.status == "draft" and meeting.sequence == 0
    assert [p.slug for p in meeting.partners] == ["seoul"]
    assert meeting.tech_check_minutes == 30
    html = client.get(response.location).get_data(as_text=True)
    assert "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）" in html


def test_korean_viewer_sees_seoul_first(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in html


def test_seoul_planned_meeting(auth, client, db):
    auth.login("coordinator")
    client.post("/meetings/new", data=_form(timezone="Asia/Seoul"))
    assert _newest(db).start_dt == datetime(2030, 12, 3, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_local": "2030-12-03T14:00"}, "The end must be after the start."),
        ({"end_local": "2030-12-03T14:32"}, "A meeting lasts at least 5 minutes."),
        ({"end_local": "2030-12-04T15:00"}, "A meeting lasts at most 24 hours."),
        ({"start_local": "9999-12-31T22:00", "end_local": "9999-12-31T23:00"},
         "Choose a time between 1992 and 2100."),
        ({"start_local": "1991-12-31T10:00", "end_local": "1991-12-31T11:00"},
         "Choose a time between 1992 and 2100."),
        ({"timezone": "Asia/Atlantis"}, "Unknown time zone."),
        ({"timezone": "UTC+8"}, "Unknown time zone."),
        ({"join_url": "javascript:alert(1)"}, "The join link must start with http"),
        ({"join_url": "ftp://example.org/x"}, "The join link must start with http"),
        ({"start_local": "2030-03-31T02:30", "end_local": "2030-03-31T04:00",
          "timezone": "Europe/Berlin"}, "This time does not exist in Berlin"),
        ({"start_local": "2030-10-27T02:30", "end_local": "2030-10-27T04:00",
          "timezone": "Europe/Berlin"}, "This time happens twice in Berlin"),
        ({"title_zh": "", "title_ko": ""}, "Enter a title in Chinese or Korean."),
        ({"start_local": "not a time"}, "Enter a date and time such as 2026-12-03 14:30."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_saved(auth, client, db, overrides, message):
    auth.login("coordinator", locale="en")
    before = count(Meeting)
    response = client.post("/meetings/new", data=_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_start_in_the_past_is_recorded_with_a_warning(auth, client, db):
    auth.login("coordinator", locale="en")
    past = _form(start_local="2024-05-02T10:00", end_local="2024-05-02T11:00")
    response = client.post("/meetings/new", data=past, follow_redirects=True)
    assert response.status_code == 200
    assert "starts in the past" in response.get_data(as_text=True)


def test_viewer_cannot_create_or_change(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("viewer")
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=_form()).status_code == 403
    assert (
        client.post(
            f"/meetings/{meeting.id}/confirm", data={"version": meeting.version}
        ).status_code
        == 403
    )
    assert meeting.status == "draft"


def test_html_in_titles_is_escaped(auth, client, db):
    auth.login("coordinator", locale="zh")
    client.post("/meetings/new", data=_form(title_zh="<img src=x onerror=alert(1)>"))
    html = client.get(f"/meetings/{_newest(db).id}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_edit_shows_local_times_and_bumps_sequence_on_a_move(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator")
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2030-12-03T14:30"' in page
    response = client.post(
        f"/meetings/{meeting.id}/edit",
        data=_form(start_local="2030-12-03T15:00", version=meeting.version),
    )
    assert response.status_code == 302
    assert meeting.start_dt == datetime(2030, 12, 3, 7, 0, tzinfo=UTC)
    assert meeting.sequence == 1
    client.post(f"/meetings/{meeting.id}/edit", data=_form(start_local="2030-12-03T15:00",
                                                           title_zh="新标题",
                                                           version=meeting.version))  # fmt: skip
    assert meeting.sequence == 1  # a new title does not make calendars replace the entry


def test_video_links_get_a_30_minute_technical_check_by_default(auth, client, db):
    auth.login("coordinator")
    client.post("/meetings/new", data=_form(tech_check_minutes=""))
    assert _newest(db).tech_check_minutes == 30
    forum = _form(kind="forum", tech_check_minutes="", start_local="2030-12-04T14:30",
                  end_local="2030-12-04T16:00")  # fmt: skip
    client.post("/meetings/new", data=forum)
    assert _newest(db).tech_check_minutes is None


def test_reminders_are_set_per_meeting(auth, client, db):
    auth.login("coordinator", locale="en")
    client.post("/meetings/new", data=_form(reminder_offsets="30, 120,30"))
    assert _newest(db).reminder_offsets == "120,30"
    client.post("/meetings/new", data=_form(reminder_offsets="", start_local="2030-12-05T14:30",
                                            end_local="2030-12-05T16:00"))  # fmt: skip
    assert _newest(db).reminder_offsets is None
    before = count(Meeting)
    for bad in ("soon", "0", "-5", "99999999"):
        response = client.post("/meetings/new", data=_form(reminder_offsets=bad))
        assert response.status_code == 400
        assert "Enter minutes separated by commas" in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_the_zone_field_offers_both_sides_clocks(auth, client):
    auth.login("coordinator", locale="ko")
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'list="timezone-choices"' in page
    assert (
        '<datalist id="timezone-choices"><option value="Asia/Shanghai">중국 시간</option>'
        '<option value="Asia/Seoul">한국 시간</option></datalist>'
    ) in page
