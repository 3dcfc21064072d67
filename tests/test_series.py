"""Recurring meetings through the pages: create, flags, one occurrence, this and following."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from scheduler.meetings.models import Meeting, Room
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.services import exdates
from scheduler.meetings.signals import meeting_changed
from scheduler.partners.services import get_partner
from tests.conftest import count


def _form(**overrides):
    data = {
        "kind": "video_link", "title_zh": "长春—首尔例会", "title_ko": "창춘-서울 정례회의",
        "partners": [str(get_partner("seoul").id)], "timezone": "Asia/Shanghai",
        "start_local": "2026-09-01T14:30", "end_local": "2026-09-01T16:00", "room_id": "0",
        "host_side": "cn", "pattern": "weekly", "interval": "2", "weekdays": ["TU", "TH"],
        "month_day": "1", "week_of_month": "1", "month_weekday": "MO", "ends": "count",
        "count": "6", "until": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def _newest_series(db):
    return db.session.scalars(sa.select(MeetingSeries).order_by(MeetingSeries.id.desc())).first()


def _starts(series):
    return [m.start_dt.strftime("%Y-%m-%dT%H:%MZ") for m in series.meetings]


def _create(client, db, **overrides):
    response = client.post("/meetings/series/new", data=_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return _newest_series(db)


@pytest.fixture
def coordinator(auth):
    return auth.login("coordinator", locale="en", timezone="Asia/Shanghai")


def test_every_two_weeks_on_tuesday_and_thursday(client, db, coordinator):
    series = _create(client, db)
    assert _starts(series) == [
        "2026-09-01T06:30Z", "2026-09-03T06:30Z", "2026-09-15T06:30Z",
        "2026-09-17T06:30Z", "2026-09-29T06:30Z", "2026-10-01T06:30Z",
    ]  # fmt: skip
    assert all(m.recurrence_start == m.start_dt for m in series.meetings)
    assert all(m.end_dt.strftime("%H:%M") == "08:00" for m in series.meetings)
    assert {m.title_ko for m in series.meetings} == {"창춘-서울 정례회의"}
    assert {p.slug for m in series.meetings for p in m.partners} == {"seoul"}
    assert len({m.uid for m in series.meetings}) == 6
    assert (series.freq, series.repeat_interval, series.weekdays) == ("weekly", 2, "TU,TH")
    assert (series.occurrence_count, series.until_date) == (6, None)
    html = client.get(f"/meetings/series/{series.id}").get_data(as_text=True)
    assert "Every 2 weeks on Tuesday, Thursday, 6 meetings" in html
    assert "Tue, Sep 15, 2026 2:30 PM–4:00 PM Changchun time / 3:30 PM–5:00 PM Seoul time" in html


def test_monthly_on_the_31st_is_the_last_day_of_each_month(client, db, coordinator):
    series = _create(client, db, pattern="monthly_date", month_day="31", interval="1",
                     start_local="2027-01-31T14:30", end_local="2027-01-31T16:00")  # fmt: skip
    assert [m.start_dt.date().isoformat() for m in series.meetings] == [
        "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30",
    ]  # fmt: skip
    assert series.month_day == -1
    html = client.get(f"/meetings/series/{series.id}").get_data(as_text=True)
    assert "Every month on the last day, 6 meetings" in html


def test_monthly_on_the_30th_is_refused(client, db, coordinator):
    before = count(Meeting)
    response = client.post("/meetings/series/new", data=_form(pattern="monthly_date",
                                                              month_day="30"))  # fmt: skip
    assert response.status_code == 400
    assert "Day 30 does not exist in every month" in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0 and count(Meeting) == before


def test_monthly_on_the_last_friday(client, db, coordinator):
    series = _create(client, db, pattern="monthly_weekday", week_of_month="-1",
                     month_weekday="FR", interval="1", count="4",
                     start_local="2026-01-01T14:30", end_local="2026-01-01T16:00")  # fmt: skip
    assert [m.start_dt.date().isoformat() for m in series.meetings] == [
        "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24",
    ]  # fmt: skip
    assert series.start_date == date(2026, 1, 30)  # DTSTART is the first occurrence
    html = client.get(f"/meetings/series/{series.id}").get_data(as_text=True)
    assert "Every month on the last Friday, 4 meetings" in html


def test_until_date(client, db, coordinator):
    series = _create(client, db, interval="1", weekdays=["MO"], ends="until",
                     until="2026-11-30", start_local="2026-11-02T09:00",
                     end_local="2026-11-02T10:00")  # fmt: skip
    assert _starts(series) == [
        "2026-11-02T01:00Z", "2026-11-09T01:00Z", "2026-11-16T01:00Z",
        "2026-11-23T01:00Z", "2026-11-30T01:00Z",
    ]  # fmt: skip
    assert (series.occurrence_count, series.until_date) == (None, date(2026, 11, 30))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"count": "501"}, "more than 500 occurrences"),
        ({"interval": "1", "weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
          "ends": "until", "until": "2028-06-01"}, "more than 500 occurrences"),
        ({"ends": "until", "until": "2026-08-31"}, "The series ends before it starts."),
        ({"weekdays": []}, "Choose at least one weekday."),
        ({"end_local": "2026-09-01T14:00"}, "The end must be after the start."),
        ({"timezone": "Europe/Berlin", "start_local": "2026-03-22T02:30",
          "end_local": "2026-03-22T03:30", "weekdays": ["SU"], "interval": "1"},
         "On 2026-03-29, 02:30 does not exist in Berlin"),
        ({"join_url": "javascript:alert(1)"}, "The join link must start with http"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_saved(client, db, coordinator, overrides, message):
    before = count(Meeting)
    response = client.post("/meetings/series/new", data=_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0 and count(Meeting) == before


def test_berlin_series_keeps_1430_across_daylight_saving(client, db, coordinator):
    series = _create(client, db, timezone="Europe/Berlin", interval="1", weekdays=["WE"],
                     count="3", start_local="2026-03-18T14:30",
                     end_local="2026-03-18T16:00")  # fmt: skip
    assert _starts(series) == ["2026-03-18T13:30Z", "2026-03-25T13:30Z", "2026-04-01T12:30Z"]
    assert series.start_time.strftime("%H:%M") == "14:30"


def _flags(html: str) -> dict[str, list[str]]:
    """Holiday flags per occurrence row, keyed by the row's UTC start date."""
    rows = re.findall(r'data-start="(\d{4}-\d\d-\d\d)T[^"]*">(.*?)</tr>', html, re.S)
    return {
        day: re.findall(r'<span class="badge text-bg-warning">([^<]+)</span>', row)
        for day, row in rows
    }


def test_korean_and_chinese_holidays_are_flagged(client, db, coordinator):
    chuseok = _create(client, db, interval="1", weekdays=["TH", "FR", "SA"], count="3",
                      start_local="2026-09-24T14:30", end_local="2026-09-24T16:00")  # fmt: skip
    flags = _flags(client.get(f"/meetings/series/{chuseok.id}").get_data(as_text=True))
    assert flags == {
        "2026-09-24": ["Korea: The day preceding Chuseok"],
        "2026-09-25": ["China: Mid-Autumn Festival", "Korea: Chuseok"],
        "2026-09-26": ["China: weekend", "Korea: The second day of Chuseok"],
    }
    golden_week = _create(client, db, interval="1", count="7",
                          weekdays=["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                          start_local="2026-10-01T14:30", end_local="2026-10-01T16:00")  # fmt: skip
    flags = _flags(client.get(f"/meetings/series/{golden_week.id}").get_data(as_text=True))
    assert list(flags) == [f"2026-10-0{d}" for d in range(1, 8)]
    assert all(any(f.startswith("China: ") for f in day) for day in flags.values())
    assert flags["2026-10-01"] == ["China: National Day"]
    assert flags["2026-10-03"] == ["China: National Day", "Korea: National Foundation Day"]


def test_preview_flags_without_saving(client, db, coordinator):
    response = client.post("/meetings/series/new", data=_form(
        preview="1", interval="1", weekdays=["TH", "FR"], count="2",
        start_local="2026-09-24T14:30", end_local="2026-09-24T16:00"))  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Preview: 2 meetings" in html
    assert _flags(html) == {
        "2026-09-24": ["Korea: The day preceding Chuseok"],
        "2026-09-25": ["China: Mid-Autumn Festival", "Korea: Chuseok"],
    }
    assert count(MeetingSeries) == 0


def test_room_conflicts_are_flagged_in_the_preview_and_refused(client, db, coordinator,
                                                               make_meeting):  # fmt: skip
    room = Room(name_zh="外事会议室")
    db.session.add(room)
    db.session.commit()
    make_meeting(start_dt=datetime(2026, 9, 15, 7, 0, tzinfo=UTC),
                 end_dt=datetime(2026, 9, 15, 9, 0, tzinfo=UTC), room_id=room.id)  # fmt: skip
    before = count(Meeting)
    data = _form(room_id=str(room.id))
    preview = client.post("/meetings/series/new", data={**data, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert html.count("Room 外事会议室 is booked for:") == 1
    row = re.search(r'data-start="2026-09-15T[^"]*">(.*?)</tr>', html, re.S)[1]
    assert "Room 外事会议室 is booked for:" in row
    response = client.post("/meetings/series/new", data=data)
    assert response.status_code == 409
    assert "The room 外事会议室 is already booked at one of the dates." in (
        response.get_data(as_text=True)
    )
    assert count(MeetingSeries) == 0 and count(Meeting) == before


def test_edit_one_occurrence_keeps_its_recurrence_id(client, db, coordinator):
    series = _create(client, db)
    third = series.meetings[2]
    original = third.recurrence_start
    response = client.post(
        f"/meetings/{third.id}/edit",
        data=_form(
            version=third.version,
            start_local="2026-09-16T10:00",
            end_local="2026-09-16T11:00",
            title_ko="변경된 회의",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(third)
    assert third.recurrence_start == original == datetime(2026, 9, 15, 6, 30, tzinfo=UTC)
    assert third.start_dt == datetime(2026, 9, 16, 2, 0, tzinfo=UTC)
    assert third.is_exception and third.sequence == 1 and third.title_ko == "변경된 회의"
    others = [m for m in series.meetings if m.id != third.id]
    assert not any(m.is_exception for m in others)
    assert {m.title_ko for m in others} == {"창춘-서울 정례회의"}
    html = client.get(f"/meetings/series/{series.id}").get_data(as_text=True)
    assert html.count("changed on its own") == 1


def test_cancel_one_occurrence(client, db, coordinator):
    series = _create(client, db)
    second = series.meetings[1]
    url = f"/meetings/series/{series.id}/occurrences/{second.id}/cancel"
    response = client.post(url, data={"version": second.version, "scope": "one", "reason": ""})
    assert response.status_code == 400
    assert "Please give a reason." in response.get_data(as_text=True)
    assert second.status == "draft"
    response = client.post(
        url, data={"version": second.version, "scope": "one", "reason": "추석 연휴"}
    )
    assert response.status_code == 302
    db.session.refresh(series)
    assert [m.status for m in series.meetings] == ["draft", "cancelled"] + ["draft"] * 4
    assert second.status_reason == "추석 연휴"
    assert exdates(series) == [datetime(2026, 9, 3, 6, 30, tzinfo=UTC)]
    assert series.sequence == 1


def test_this_and_following_splits_the_series(client, db, coordinator, make_user):
    from scheduler.meetings.services import add_participant

    received = []

    def receiver(sender, change, **details):
        received.append((sender.id, change, getattr(details.get("previous"), "id", None)))

    meeting_changed.connect(receiver)
    series = _create(client, db)
    old_uid, rows = series.uid, list(series.meetings)
    interpreter = make_user("coordinator")
    add_participant(rows[2], "interpreter", user=interpreter)
    db.session.commit()
    url = f"/meetings/series/{series.id}/occurrences/{rows[2].id}/following"
    assert client.get(url).status_code == 200
    response = client.post(url, data=_form(version=rows[2].version, start_local="2026-09-15T15:00",
                                           end_local="2026-09-15T16:30", count="4",
                                           title_ko="시간 변경"))  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(series)
    new = _newest_series(db)
    assert new.id != series.id and new.uid != old_uid and new.split_from_id == series.id
    assert series.uid == old_uid
    assert (series.occurrence_count, series.until_date, series.sequence) == (
        None, date(2026, 9, 14), 1)  # fmt: skip
    assert [m.id for m in series.meetings] == [rows[0].id, rows[1].id]
    assert [m.id for m in new.meetings] == [m.id for m in rows[2:]]  # the rows moved
    assert _starts(new) == [
        "2026-09-15T07:00Z", "2026-09-17T07:00Z", "2026-09-29T07:00Z", "2026-10-01T07:00Z",
    ]  # fmt: skip
    assert all(m.recurrence_start == m.start_dt for m in new.meetings)
    assert {m.title_ko for m in new.meetings} == {"시간 변경"}
    assert [p.user_id for p in new.meetings[0].participants] == [interpreter.id]
    assert response.location.endswith(f"/meetings/series/{new.id}")
    meeting_changed.disconnect(receiver)
    assert received[0] == (series.id, "series_created", None)
    assert received[-1] == (new.id, "series_split", series.id)


def test_following_on_other_weekdays_drops_and_adds_rows(client, db, coordinator):
    series = _create(client, db)
    rows = list(series.meetings)
    url = f"/meetings/series/{series.id}/occurrences/{rows[4].id}/following"
    response = client.post(url, data=_form(version=rows[4].version, start_local="2026-09-29T14:30",
                                           end_local="2026-09-29T16:00", interval="1",
                                           weekdays=["TU", "WE"], count="3"))  # fmt: skip
    assert response.status_code == 302
    new = _newest_series(db)
    assert _starts(new) == ["2026-09-29T06:30Z", "2026-09-30T06:30Z", "2026-10-06T06:30Z"]
    assert new.meetings[0].id == rows[4].id
    db.session.refresh(rows[5])  # Thursday 1 October is no longer generated
    assert (rows[5].status, rows[5].series_id, rows[5].recurrence_start) == (
        "cancelled", None, None)  # fmt: skip


def test_following_from_the_first_edits_the_whole_series(client, db, coordinator):
    series = _create(client, db)
    first = series.meetings[0]
    url = f"/meetings/series/{series.id}/occurrences/{first.id}/following"
    response = client.post(url, data=_form(version=first.version, start_local="2026-09-01T09:00",
                                           end_local="2026-09-01T10:00"))  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(series)
    assert count(MeetingSeries) == 1 and series.sequence == 1
    assert [m.start_dt.strftime("%H:%M") for m in series.meetings] == ["01:00"] * 6


def test_cancel_this_and_following(client, db, coordinator):
    series = _create(client, db)
    rows = list(series.meetings)
    url = f"/meetings/series/{series.id}/occurrences/{rows[4].id}/cancel"
    response = client.post(
        url, data={"version": rows[4].version, "scope": "following", "reason": "연간 계획 변경"}
    )
    assert response.status_code == 302
    db.session.refresh(series)
    assert [m.id for m in series.meetings] == [m.id for m in rows[:4]]
    assert series.until_date == date(2026, 9, 28) and series.occurrence_count is None
    for row in rows[4:]:
        db.session.refresh(row)
        assert (row.status, row.series_id) == ("cancelled", None)
    assert exdates(series) == []


def test_cancel_from_the_first_cancels_the_whole_series(client, db, coordinator):
    series = _create(client, db)
    url = f"/meetings/series/{series.id}/occurrences/{series.meetings[0].id}/cancel"
    assert (
        client.post(
            url,
            data={"version": series.meetings[0].version, "scope": "following", "reason": "종료"},
        ).status_code
        == 302
    )
    db.session.refresh(series)
    assert [m.status for m in series.meetings] == ["cancelled"] * 6
    assert len(exdates(series)) == 6


def test_occurrence_of_another_series_is_404(client, db, coordinator):
    one, other = _create(client, db), _create(client, db)
    url = f"/meetings/series/{one.id}/occurrences/{other.meetings[0].id}/cancel"
    assert client.post(url, data={"scope": "one", "reason": "x"}).status_code == 404
    assert client.get("/meetings/series/999999").status_code == 404


def test_viewer_sees_but_cannot_change(client, db, auth):
    auth.login("coordinator", locale="en")
    series = _create(client, db)
    meeting = series.meetings[0]
    auth.logout()
    auth.login("viewer", locale="en")
    assert client.get(f"/meetings/series/{series.id}").status_code == 200
    assert client.get("/meetings/series/new").status_code == 403
    assert client.post("/meetings/series/new", data=_form()).status_code == 403
    base = f"/meetings/series/{series.id}/occurrences/{meeting.id}"
    assert client.get(f"{base}/following").status_code == 403
    assert client.post(f"{base}/following", data=_form()).status_code == 403
    assert client.post(f"{base}/cancel", data={"scope": "one", "reason": "x"}).status_code == 403
    assert count(MeetingSeries) == 1 and meeting.status == "draft"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]


def test_forms_need_the_csrf_token(csrf_app, client, db, make_user):
    user = make_user("coordinator", locale="en")
    login = {"email": user.email, "password": "correct horse battery",
             "csrf_token": _token(client.get("/login").get_data(as_text=True))}  # fmt: skip
    assert client.post("/login", data=login).status_code == 302
    response = client.post("/meetings/series/new", data=_form())
    assert response.status_code == 400
    assert "missing its security token" in response.get_data(as_text=True)
    assert count(MeetingSeries) == 0
    token = _token(client.get("/meetings/series/new").get_data(as_text=True))
    response = client.post("/meetings/series/new", data={**_form(), "csrf_token": token})
    assert response.status_code == 302
    series = _newest_series(db)
    url = f"/meetings/series/{series.id}/occurrences/{series.meetings[0].id}/cancel"
    assert (
        client.post(
            url, data={"version": series.meetings[0].version, "scope": "one", "reason": "x"}
        ).status_code
        == 400
    )
    assert series.meetings[0].status == "draft"
