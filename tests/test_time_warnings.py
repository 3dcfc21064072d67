"""Warnings before it is too late (issue 12.3): a single meeting's holidays, make-up working days
and out-of-hours participants, from the JSON endpoint the form asks while typing and on the
meeting page; confirming anyway is allowed and audited."""

from datetime import UTC, datetime

import pytest

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Meeting
from tests.conftest import count

CN, KR = "Asia/Shanghai", "Asia/Seoul"


@pytest.fixture
def two_sides(make_user, make_contact):
    return make_user("coordinator", timezone=CN), make_contact("busan", timezone=KR)


def _ask(client, start, end, *keys, zone=CN, **extra):
    query = {"timezone": zone, "start_local": start, "end_local": end, "people": list(keys)}
    return client.get("/meetings/time-warnings", query_string=query | extra)


def test_korean_holiday_is_flagged_for_the_korean_side(auth, client, two_sides):
    auth.login("coordinator", locale="en")
    keys = [f"user:{two_sides[0].id}", f"contact:{two_sides[1].id}"]
    response = _ask(client, "2030-12-25T09:00", "2030-12-25T10:00", *keys)
    assert response.status_code == 200
    assert response.get_json() == {"warnings": ["Korea: Christmas Day"]}


def test_make_up_working_day_and_weekend_on_each_side(auth, client, two_sides):
    auth.login("coordinator", locale="zh")
    response = _ask(client, "2026-10-10T09:00", "2026-10-10T10:00", f"user:{two_sides[0].id}")
    assert response.get_json() == {
        "warnings": ["中国：调休上班日（2026-10-07 休息）", "韩国：周末"]
    }


def test_participants_outside_their_working_hours(auth, client, two_sides, make_user):
    user, contact = two_sides
    berlin = make_user("coordinator", timezone="Europe/Berlin", name_ko="", name_zh="",
                       email="berlin@example.org")  # fmt: skip
    auth.login("coordinator", locale="ko")
    keys = [f"user:{user.id}", f"contact:{contact.id}", f"user:{berlin.id}"]
    # 17:30–18:30 in Changchun = 18:30–19:30 in Seoul = 10:30–11:30 in Berlin.
    response = _ask(client, "2030-12-03T17:30", "2030-12-03T18:30", *keys)
    assert response.get_json() == {
        "warnings": [
            "왕팡: 근무 시간 외(중국 17:30–18:30)",
            "김민수 · 부산광역시: 근무 시간 외(한국 18:30–19:30)",
        ]
    }


def test_a_time_inside_everyones_hours_has_no_warning(auth, client, two_sides):
    auth.login("coordinator", locale="en")
    keys = [f"user:{two_sides[0].id}", f"contact:{two_sides[1].id}"]
    response = _ask(client, "2030-12-03T10:00", "2030-12-03T11:00", *keys)
    assert response.get_json() == {"warnings": []}


def test_a_third_zone_on_its_weekend(auth, client, make_user):
    berlin = make_user("coordinator", timezone="Europe/Berlin", email="weekend@example.org")
    auth.login("coordinator", locale="en")
    # Monday 06:00 in Changchun is still Sunday 23:00 in Berlin.
    response = _ask(client, "2030-12-02T06:00", "2030-12-02T07:00", f"user:{berlin.id}")
    assert response.get_json() == {"warnings": ["Berlin: weekend"]}


def test_people_already_on_an_edited_meeting_count(auth, client, make_meeting, two_sides):
    meeting = make_meeting(partners=("busan",))
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/participants",
                data={"person": f"contact:{two_sides[1].id}", "role": "participant"})  # fmt: skip
    response = _ask(client, "2030-12-03T17:30", "2030-12-03T18:30", meeting=meeting.id)
    assert response.get_json() == {
        "warnings": ["Min-su KIM · Busan: outside working hours (18:30–19:30 Seoul)"]
    }
    form = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'data-warnings-url="/meetings/time-warnings?meeting={meeting.id}"' in form
    assert '<script src="/static/js/time-warnings.js"></script>' in form


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start_local": ""}, "This field is required."),
        ({"start_local": "tomorrow"}, "Enter a date and time such as 2026-12-03 14:30."),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone."),
        ({"end_local": "2030-12-03T09:00"}, "The end must be after the start."),
        ({"end_local": "2030-12-05T09:00"}, "A meeting lasts between 5 minutes and 24 hours."),
        ({"meeting": "x"}, "Not a valid integer value."),
    ],
)
def test_bad_input_is_a_clear_400(auth, client, query, message):
    auth.login("coordinator", locale="en")
    args = {"timezone": CN, "start_local": "2030-12-03T10:00", "end_local": "2030-12-03T11:00"}
    response = client.get("/meetings/time-warnings", query_string=args | query)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)


def test_unknown_or_inactive_people_are_ignored(auth, client, db, make_contact):
    gone = make_contact("busan")
    gone.is_active = False
    db.session.commit()
    auth.login("coordinator", locale="en")
    response = _ask(client, "2030-12-03T20:00", "2030-12-03T21:00",
                    "contact:999999", "junk", f"contact:{gone.id}")  # fmt: skip
    assert response.status_code == 200
    assert response.get_json() == {"warnings": []}


def test_viewers_may_not_ask(auth, client):
    auth.login("viewer", locale="en")
    assert _ask(client, "2030-12-03T10:00", "2030-12-03T11:00").status_code == 403


def _christmas_meeting(make_meeting, client, contact):
    meeting = make_meeting(
        partners=("busan",),
        start_dt=datetime(2030, 12, 25, 1, 0, tzinfo=UTC),
        end_dt=datetime(2030, 12, 25, 2, 0, tzinfo=UTC),
    )
    client.post(f"/meetings/{meeting.id}/participants",
                data={"person": f"contact:{contact.id}", "role": "participant"})  # fmt: skip
    return meeting


def test_meeting_page_warns_and_confirming_anyway_is_audited(
    auth, client, db, make_meeting, two_sides
):
    auth.login("coordinator", locale="ko")
    meeting = _christmas_meeting(make_meeting, client, two_sides[1])
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    section = html.split('id="time-warnings"')[1].split("</section>")[0]
    assert "<li>한국: 기독탄신일</li>" in section
    assert ">그래도 확정</a>" in html
    page = client.get(f"/meetings/{meeting.id}/confirm").get_data(as_text=True)
    assert "<li>한국: 기독탄신일</li>" in page.split('id="time-warnings"')[1]
    assert 'id="confirm-button">그래도 확정</button>' in page
    assert (
        count(AuditEntry, AuditEntry.action == "warnings_confirmed") == 0
    )  # the page saves nothing
    response = client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    assert response.status_code == 302
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "warnings_confirmed")
    ).one()
    assert (entry.object_type, entry.object_id) == ("meetings", meeting.id)
    assert entry.changes == {"warnings": ["Korea: Christmas Day"]}
    assert entry.user_id == auth.user.id
    auth.logout()
    auth.login("admin", locale="ko")
    assert "경고 확인 후 확정" in client.get("/audit/").get_data(as_text=True)


def test_confirming_without_warnings_leaves_no_such_entry(auth, client, db, make_meeting):
    auth.login("coordinator", locale="en")
    meeting = make_meeting(partners=("busan",))  # Tuesday 14:30 Changchun: nothing to flag
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="time-warnings"' not in html and ">Confirm anyway<" not in html
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    assert count(AuditEntry, AuditEntry.action == "warnings_confirmed") == 0


def test_series_preview_flags_with_the_same_words(auth, client, db):
    from scheduler.meetings.series.summary import holiday_flags

    auth.login("coordinator", locale="en")
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        starts = [
            datetime(2030, 12, 25, 1, 0, tzinfo=UTC),
            datetime(2026, 10, 10, 1, 0, tzinfo=UTC),
        ]
        assert holiday_flags(starts) == [
            ["Korea: Christmas Day"],
            ["China: Make-up working day (for the day off on 2026-10-07)", "Korea: weekend"],
        ]
