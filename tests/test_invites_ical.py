"""The iCalendar objects in invite e-mails (ical-interop.md §9), as received over SMTP.

Also run under ``python -O``: no check here may rest on an ``assert`` inside the library.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events

from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.models import MeetingSeries
from tests.invites_support import (
    SEPARATOR,
    WEEKLY,
    change,
    confirm_for_two_readers,
    content_lines,
    weekly_series,
)

pytestmark = pytest.mark.usefixtures("smtp_app")
OFFICE = "mailto:foreign-affairs@cnkr-zone.example.cn"
SEOUL, CHANGCHUN = ZoneInfo("Asia/Seoul"), ZoneInfo("Asia/Shanghai")


def _checklist(invite) -> None:
    """Every rule of §9 that holds for any invite."""
    lines = content_lines(invite.ics)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert not invite.calendar.get_missing_tzids()
    assert b'TZID="UTC' not in invite.ics and b"DAYLIGHT" not in invite.ics
    for zone in invite.calendar.walk("VTIMEZONE"):
        assert [c.name for c in zone.subcomponents] == ["STANDARD"]
    assert invite.method == invite.part("text/calendar").get_param("method")
    for event in invite.events:
        assert [str(event["ORGANIZER"])] == [OFFICE]
        attendee = event["ATTENDEE"]
        assert str(attendee) == f"mailto:{invite.to}" != OFFICE  # only the recipient
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert str(event["UID"]).endswith("@cnkr-exchange-scheduler")
        assert isinstance(event["SEQUENCE"], int)
    assert len([line for line in lines if line.startswith(b"ATTENDEE")]) == len(invite.events)


_confirmed = confirm_for_two_readers


VIDEO = {"platform": "Tencent Meeting", "join_url": "https://meeting.tencent.com/dm/abc",
         "meeting_code": "123 456 789", "passcode": "2030", "agenda_ko": "1. 개회사"}  # fmt: skip


def test_a_video_link_invite_in_each_language(make_meeting, make_contact, make_user, db, client,
                                             mail):  # fmt: skip
    meeting, contact, staff = _confirmed(make_meeting, make_contact, make_user, db, client, **VIDEO)
    received = mail()
    [korean], [chinese] = received[contact.email], received[staff.email]
    for invite in (korean, chinese):
        _checklist(invite)
        event = invite.event
        assert (invite.method, event["SEQUENCE"], str(event["STATUS"])) == (
            "REQUEST",
            1,
            "CONFIRMED",
        )
        assert str(event["UID"]) == f"{meeting.uid}@cnkr-exchange-scheduler"
        assert event.decoded("DTSTART") == datetime(2030, 12, 3, 14, 30, tzinfo=CHANGCHUN)
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        params = event["ATTENDEE"].params
        assert (params["RSVP"], params["PARTSTAT"], params["ROLE"], params["CUTYPE"]) == (
            "TRUE", "NEEDS-ACTION", "REQ-PARTICIPANT", "INDIVIDUAL",
        )  # fmt: skip
        assert b"VALARM" not in invite.ics
    assert korean.event["ATTENDEE"].params["CN"] == "김민수"
    assert korean.event["ORGANIZER"].params["CN"] == "왕팡"
    assert chinese.event["ORGANIZER"].params["CN"] == "王芳"
    assert (str(korean.event["SUMMARY"]), korean.event["SUMMARY"].params["LANGUAGE"]) == (
        "한중 화상회의", "ko",
    )  # fmt: skip
    ko_text, zh_text = str(korean.event["DESCRIPTION"]).split(SEPARATOR)
    assert ko_text.split("\n")[:2] == [
        "한중 화상회의", "시간: 12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)",
    ]  # fmt: skip
    for value in ("Tencent Meeting", "https://meeting.tencent.com/dm/abc", "123 456 789", "2030"):
        assert value in ko_text and value in zh_text
    assert zh_text.startswith("中韩视频连线\n")
    zh_first, ko_second = str(chinese.event["DESCRIPTION"]).split(SEPARATOR)
    assert chinese.event["SUMMARY"].params["LANGUAGE"] == "zh-CN"
    zh_clocks = "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
    assert zh_clocks in zh_first.split("\n")[1]
    assert ko_second.startswith("한중 화상회의\n")


def test_a_visit_carries_the_place(make_meeting, make_contact, make_user, db, client, mail):
    _meeting, contact, staff = _confirmed(
        make_meeting, make_contact, make_user, db, client, kind="inbound_visit",
        location_zh="长春市政府三楼会议室", location_ko="창춘시 정부 3층 회의실",
    )  # fmt: skip
    received = mail()
    [korean], [chinese] = received[contact.email], received[staff.email]
    assert str(korean.event["LOCATION"]) == "창춘시 정부 3층 회의실"
    assert korean.event["LOCATION"].params["LANGUAGE"] == "ko"
    assert str(chinese.event["LOCATION"]) == "长春市政府三楼会议室"
    assert "장소: 창춘시 정부 3층 회의실" in str(korean.event["DESCRIPTION"])


NASTY = 'Zoom, 第3次; a:b "quoted"'


def test_special_characters_add_no_lines_and_round_trip(make_meeting, make_contact, make_user,
                                                       db, client, mail):  # fmt: skip
    broken = "第一行\r\nBEGIN:VEVENT\nATTENDEE:mailto:evil@example.org\r第三行"
    meeting, contact, _staff = _confirmed(
        make_meeting, make_contact, make_user, db, client, location_ko=NASTY, agenda_ko=broken,
        title_ko=NASTY + "\r\nBEGIN:VALARM",
    )  # fmt: skip
    change(client.application, Meeting, meeting.id, lambda m: services.add_participant(
        m, guest_email="guest@example.org",
        guest_name='Kim "Danny"; Lee, Jr.: CEO\r\nATTENDEE:mailto:evil@example.org',
    ))  # fmt: skip
    received = mail()
    guest, korean = received["guest@example.org"][-1], received[contact.email][-1]
    for invite in (guest, korean):
        _checklist(invite)
        lines = content_lines(invite.ics)
        assert [line for line in lines if line.startswith(b"BEGIN:")] == [
            b"BEGIN:VCALENDAR", b"BEGIN:VTIMEZONE", b"BEGIN:STANDARD", b"BEGIN:VEVENT",
        ]  # fmt: skip
        assert str(invite.event["ATTENDEE"]) == f"mailto:{invite.to}"
    assert str(korean.event["LOCATION"]) == NASTY
    assert str(korean.event["SUMMARY"]) == NASTY + "\nBEGIN:VALARM"
    assert "第一行\nBEGIN:VEVENT\nATTENDEE:mailto:evil@example.org\n第三行" in str(
        korean.event["DESCRIPTION"]
    )
    assert guest.event["ATTENDEE"].params["CN"] == (
        "Kim Danny ; Lee, Jr.: CEO ATTENDEE:mailto:evil@example.org"
    )


RULE = WEEKLY


def _series(app, organizer, contact, staff) -> int:
    """A confirmed series; the contact and the staff member take part in every meeting."""
    data = {"kind": "video_link", "title_zh": "长春—首尔周会", "title_ko": "창춘-서울 주간회의",
            "status": "confirmed", **VIDEO}  # fmt: skip
    return weekly_series(app, organizer, [contact, staff], data)


def _starts(invite, zone) -> list[datetime]:
    found = recurring_ical_events.of(invite.calendar).between(
        datetime(2030, 1, 1), datetime(2032, 1, 1)
    )
    return sorted(e.decoded("DTSTART").astimezone(zone).replace(tzinfo=None) for e in found)


def _weekly(hour, minute, days=6, skip=()) -> list[datetime]:
    first = datetime(2030, 12, 3, hour, minute)
    return [first + timedelta(weeks=n) for n in range(days) if n not in skip]


def test_a_series_master_exception_and_cancelled_date(make_user, make_contact, client, db, mail):
    organizer = make_user("coordinator")
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", locale="zh", timezone="Asia/Shanghai")
    app = client.application
    series_id = _series(app, organizer, contact, staff)
    series = db.session.get(MeetingSeries, series_id)
    uid = f"{series.uid}@cnkr-exchange-scheduler"
    received = mail()
    [first] = received[contact.email]
    assert len(received[staff.email]) == 1
    _checklist(first)
    [master] = first.events
    assert (first.method, str(master["UID"]), master["SEQUENCE"]) == ("REQUEST", uid, 0)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;INTERVAL=1;BYDAY=TU;WKST=MO"
    assert master["DTSTART"].to_ical() == b"20301203T143000"
    assert _starts(first, SEOUL) == _weekly(15, 30)
    assert _starts(first, CHANGCHUN) == _weekly(14, 30)

    third = series.meetings[2]
    moved = (third.start_dt + timedelta(hours=1), third.end_dt + timedelta(hours=1))
    change(app, Meeting, third.id, lambda m: series_services.edit_occurrence(
        m, {"start_dt": moved[0], "end_dt": moved[1]}))  # fmt: skip
    [second] = mail()[contact.email]
    _checklist(second)
    master, override = second.events
    assert str(override["UID"]) == uid and "RECURRENCE-ID" not in master
    assert override["RECURRENCE-ID"].to_ical() == b"20301217T143000"
    assert override["RECURRENCE-ID"].params["TZID"] == master["DTSTART"].params["TZID"]
    assert override["SEQUENCE"] == master["SEQUENCE"] == 1 > first.events[0]["SEQUENCE"]
    assert override.decoded("RECURRENCE-ID") in [
        e.decoded("DTSTART") for e in recurring_ical_events.of(first.calendar).all()
    ]
    expected = _weekly(15, 30)
    expected[2] = datetime(2030, 12, 17, 16, 30)
    assert _starts(second, SEOUL) == expected

    fifth = series.meetings[4]
    change(app, Meeting, fifth.id, lambda m: series_services.cancel_occurrence(m, "春节"))
    [cancel] = mail()[contact.email]
    _checklist(cancel)
    master, override = cancel.events  # one date cancelled: sent together with the master
    assert (cancel.method, str(master["UID"]), str(override["UID"])) == ("REQUEST", uid, uid)
    assert str(master["STATUS"]) == "CONFIRMED" and "RRULE" in master
    assert master["EXDATE"].to_ical() == b"20301231T143000"
    assert master["EXDATE"].params["TZID"] == master["DTSTART"].params["TZID"]
    assert override["RECURRENCE-ID"].to_ical() == b"20301217T143000"
    assert master["SEQUENCE"] == override["SEQUENCE"] == 2
    assert str(cancel.message["Subject"]).startswith("회의 취소 안내: ")
    assert "다른 회차는 그대로" in cancel.text()
    # The reader's calendar is updated; nothing is "added to" it, and no answer is asked.
    assert "캘린더의 해당 일정이 갱신됩니다." in cancel.text()
    assert "캘린더에 추가됩니다" not in cancel.text() and "/rsvp/" not in cancel.text()
    expected = _weekly(15, 30, skip=(4,))
    expected[2] = datetime(2030, 12, 17, 16, 30)
    assert _starts(cancel, SEOUL) == expected

    change(
        app,
        Meeting,
        series.meetings[1].id,
        lambda m: services.update_meeting(m, {"join_url": "https://zoom.us/j/2"}),
    )
    [latest] = mail()[contact.email]
    master = latest.events[0]
    assert master["EXDATE"].to_ical() == b"20301231T143000"
    assert master["EXDATE"].params["TZID"] == "Asia/Shanghai"
    assert [e.decoded("RECURRENCE-ID").day for e in latest.events[1:]] == [10, 17]
    assert all(e["SEQUENCE"] == 3 for e in latest.events)
    expected = _weekly(14, 30, skip=(4,))
    expected[2] = datetime(2030, 12, 17, 15, 30)
    assert _starts(latest, CHANGCHUN) == expected


def test_one_person_removed_from_one_date_and_added_back(make_user, make_contact, client, db,
                                                        mail):  # fmt: skip
    """Their CANCEL of that date outranks everything they had; the next series-wide update
    keeps the date out of their copy only (an EXDATE for them) and reads as an update; added
    back, they get the date again, newer still."""
    organizer = make_user("coordinator")
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", locale="zh", timezone="Asia/Shanghai")
    app = client.application
    series = db.session.get(MeetingSeries, _series(app, organizer, contact, staff))
    uid = f"{series.uid}@cnkr-exchange-scheduler"
    third = series.meetings[2]
    mail()
    change(app, Meeting, series.meetings[1].id,
           lambda m: services.update_meeting(m, {"join_url": "https://zoom.us/j/1"}))  # fmt: skip
    [update] = mail()[contact.email]
    assert update.events[0]["SEQUENCE"] == 1

    def remove_contact(meeting):
        person = next(p for p in meeting.participants if p.contact_id == contact.id)
        services.remove_participant(meeting, person)

    change(app, Meeting, third.id, remove_contact)
    received = mail()
    [cancel] = received.pop(contact.email)
    assert received == {}  # nobody else hears of it
    _checklist(cancel)
    [event] = cancel.events
    assert (cancel.method, str(event["UID"]), str(event["STATUS"])) == ("CANCEL", uid, "CANCELLED")
    assert event["RECURRENCE-ID"].to_ical() == b"20301217T143000"
    assert event["SEQUENCE"] == 2  # above the update's 1 (a tie would be ignored)

    change(app, Meeting, series.meetings[1].id,
           lambda m: services.update_meeting(m, {"join_url": "https://zoom.us/j/2"}))  # fmt: skip
    received = mail()
    [theirs], [staffs] = received[contact.email], received[staff.email]
    _checklist(theirs)
    master = theirs.events[0]
    assert master["EXDATE"].to_ical() == b"20301217T143000"
    assert "EXDATE" not in staffs.events[0]
    assert master["SEQUENCE"] == staffs.events[0]["SEQUENCE"] == 3
    assert _starts(theirs, SEOUL) == _weekly(15, 30, skip=(2,))
    assert _starts(staffs, SEOUL) == _weekly(15, 30)
    assert str(theirs.message["Subject"]).startswith("회의 초청(변경 안내): ")

    def add_contact_back(meeting):
        from scheduler.contacts.models import Contact

        services.add_participant(meeting, contact=db.session.get(Contact, contact.id))

    change(app, Meeting, third.id, add_contact_back)
    [again] = mail()[contact.email]
    master = again.events[0]
    assert again.method == "REQUEST" and "EXDATE" not in master
    assert master["SEQUENCE"] == 4
    assert _starts(again, SEOUL) == _weekly(15, 30)
    assert str(again.message["Subject"]).startswith("회의 초청(변경 안내): ")


def test_cancelling_a_whole_series(make_user, make_contact, client, db, mail):
    organizer = make_user("coordinator")
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    staff = make_user("coordinator", locale="zh", timezone="Asia/Shanghai")
    app = client.application
    series = db.session.get(MeetingSeries, _series(app, organizer, contact, staff))
    mail()
    change(
        app,
        Meeting,
        series.meetings[0].id,
        lambda m: series_services.cancel_following(m, "项目结束"),
    )
    received = mail()
    assert sorted(received) == sorted([contact.email, staff.email])
    for [invite] in received.values():
        _checklist(invite)
        [event] = invite.events
        assert (invite.method, str(event["STATUS"]), event["SEQUENCE"]) == (
            "CANCEL",
            "CANCELLED",
            1,
        )
        assert "RRULE" in event and "RECURRENCE-ID" not in event
