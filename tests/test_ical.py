"""One meeting as an .ics download: parsed back with icalendar, and checked byte by byte."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduler.invites.ical import build_event, calendar_bytes
from scheduler.meetings import services

VIDEO = {
    "platform": "Tencent Meeting",
    "join_url": "https://meeting.tencent.com/dm/abc",
    "meeting_code": "123 456 789",
    "passcode": "2030",
    "agenda_zh": "一、开幕致辞\n二、合作项目",
    "agenda_ko": "1. 개회사\n2. 협력 사업",
    "agenda_en": "1. Opening\n2. Projects",
    "title_en": "China-Korea video link",
    "location_zh": "长春市政府三楼会议室",
    "location_ko": "창춘시 정부 3층 회의실",
}
SEPARATOR = "\n\n" + "—" * 12 + "\n\n"


def _download(client, meeting) -> bytes:
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=meeting-{meeting.id}.ics"
    )
    return response.data


def _lines(body: bytes) -> list[bytes]:
    """The content lines, after checking: no BOM, CRLF only, ≤ 75 octets, UTF-8 each."""
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a character
    return lines


def _event(body: bytes):
    cal = Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def _timezones(cal) -> dict[str, object]:
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert len(zones) == len(cal.walk("VTIMEZONE"))  # one VTIMEZONE per TZID
    return zones


def test_download_in_english(auth, client, make_meeting):
    meeting = make_meeting(**VIDEO)
    auth.login("viewer", locale="en", timezone="Asia/Shanghai")
    cal, event = _event(_download(client, meeting))
    assert str(cal["PRODID"]) == "-//China-ROK Changchun exchange scheduler//Meetings 1.0//EN"
    assert (str(cal["VERSION"]), str(cal["CALSCALE"]), str(cal["METHOD"])) == (
        "2.0", "GREGORIAN", "PUBLISH",
    )  # fmt: skip
    assert str(event["UID"]) == f"{meeting.uid}@cnkr-exchange-scheduler"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)
    changchun = ZoneInfo("Asia/Shanghai")
    assert event.decoded("DTSTART") == datetime(2030, 12, 3, 14, 30, tzinfo=changchun)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTEND"].params["TZID"] == "Asia/Shanghai"
    assert event["DTEND"].to_ical() == b"20301203T160000"
    assert str(event["SUMMARY"]) == "China-Korea video link"
    assert event["SUMMARY"].params["LANGUAGE"] == "en"
    assert str(event["LOCATION"]) == "长春市政府三楼会议室"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["ORGANIZER"]) == f"mailto:{meeting.organizer.email}"
    assert event["ORGANIZER"].params["CN"] == "王芳"
    assert str(event["URL"]) == f"http://127.0.0.1:5000/meetings/{meeting.id}"
    english, chinese, korean = str(event["DESCRIPTION"]).split(SEPARATOR)
    assert english == (
        "China-Korea video link\n"
        "Time: Tue, Dec 3 2:30 PM–4:00 PM Changchun time / 3:30 PM–5:00 PM Seoul time\n"
        "Kind: Video link\nStatus: Draft\nPartners: Seoul\nPlace: 长春市政府三楼会议室\n"
        "Video platform: Tencent Meeting\nJoin link: https://meeting.tencent.com/dm/abc\n"
        "Meeting ID: 123 456 789\nPasscode: 2030\nAgenda:\n1. Opening\n2. Projects"
    )
    assert chinese.startswith("中韩视频连线\n")
    assert "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）" in chinese
    assert "首尔特别市" in chinese and chinese.endswith("一、开幕致辞\n二、合作项目")
    assert korean.startswith("한중 화상회의\n") and "(한국 시간) / 14:30~16:00(중국 시간)" in korean
    assert "서울특별시" in korean and "창춘시 정부 3층 회의실" in korean and "2030" in korean


def test_download_in_chinese_and_korean(auth, client, make_meeting):
    meeting = make_meeting(**VIDEO)
    auth.login("viewer", locale="zh")
    _cal, event = _event(_download(client, meeting))
    assert str(event["SUMMARY"]) == "中韩视频连线"
    assert event["SUMMARY"].params["LANGUAGE"] == "zh-CN"
    assert event["DESCRIPTION"].params["LANGUAGE"] == "zh-CN"
    chinese, korean = str(event["DESCRIPTION"]).split(SEPARATOR)
    assert chinese.split("\n")[0] == "中韩视频连线"
    zh_clocks = "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
    assert zh_clocks in chinese.split("\n")[1]
    assert korean.split("\n")[0] == "한중 화상회의"
    assert "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in korean.split("\n")[1]
    client.post("/language", data={"lang": "ko"})
    _cal, event = _event(_download(client, meeting))
    assert str(event["SUMMARY"]) == "한중 화상회의"
    assert event["SUMMARY"].params["LANGUAGE"] == "ko"
    assert str(event["LOCATION"]) == "창춘시 정부 3층 회의실"
    korean, chinese = str(event["DESCRIPTION"]).split(SEPARATOR)
    assert korean.startswith("한중 화상회의\n") and chinese.startswith("中韩视频连线\n")


def test_bytes_crlf_folding_and_one_standard_block(auth, client, make_meeting):
    line = "한중 지방정부 교류 협력 사업 논의 및 향후 계획 🇰🇷🇨🇳"
    long_agenda = "\n".join(f"{n}. {line}" for n in range(30))
    fields = {**VIDEO, "agenda_ko": long_agenda}
    meeting = make_meeting(timezone="Asia/Seoul", **fields)
    auth.login("viewer", locale="ko")
    body = _download(client, meeting)
    lines = _lines(body)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert b"DTSTART;TZID=Asia/Seoul:20301203T153000" in lines
    cal, event = _event(body)
    assert long_agenda in str(event["DESCRIPTION"])
    zones = _timezones(cal)
    assert list(zones) == ["Asia/Seoul"]
    assert [c.name for c in zones["Asia/Seoul"].subcomponents] == ["STANDARD"]
    standard = zones["Asia/Seoul"].subcomponents[0]
    assert standard["TZOFFSETFROM"].to_ical() == standard["TZOFFSETTO"].to_ical() == "+0900"
    assert b"DAYLIGHT" not in body
    assert not cal.get_missing_tzids()


def test_escaping_and_no_injected_lines(auth, client, make_meeting):
    title = 'Zoom, 第3次; a\\b "quoted"'
    agenda = "第一项\r\nBEGIN:VEVENT\r\nUID:evil\nATTENDEE:mailto:x@example.org\r第三项"
    meeting = make_meeting(title_zh=title, agenda_zh=agenda)
    auth.login("viewer", locale="zh")
    body = _download(client, meeting)
    lines = _lines(body)
    assert 'SUMMARY;LANGUAGE=zh-CN:Zoom\\, 第3次\\; a\\\\b "quoted"'.encode() in lines
    assert sum(line.startswith(b"BEGIN:VEVENT") for line in lines) == 1
    assert not any(line.startswith((b"UID:evil", b"ATTENDEE")) for line in lines)
    _cal, event = _event(body)
    assert str(event["SUMMARY"]) == title
    assert "第一项\nBEGIN:VEVENT\nUID:evil\nATTENDEE:mailto:x@example.org\n第三项" in str(
        event["DESCRIPTION"]
    )


@pytest.mark.parametrize(
    ("change", "status", "sequence"),
    [
        (None, "TENTATIVE", 0),
        (services.make_tentative, "TENTATIVE", 1),
        (services.confirm, "CONFIRMED", 1),
        (lambda m: services.cancel(m, "台风"), "CANCELLED", 1),
        (lambda m: services.postpone(m, "延期"), "TENTATIVE", 1),
    ],
)
def test_status_and_sequence_follow_the_meeting(auth, client, make_meeting, db, change, status,
                                                sequence):  # fmt: skip
    meeting = make_meeting()
    uid = meeting.uid
    if change:
        change(meeting)
        db.session.commit()
    auth.login("viewer")
    body = _download(client, meeting)
    _cal, event = _event(body)
    assert (str(event["STATUS"]), event["SEQUENCE"]) == (status, sequence)
    assert str(event["UID"]) == f"{uid}@cnkr-exchange-scheduler"
    # Outlook shows the time by its own properties, not by STATUS.
    busy = {"TENTATIVE": "TENTATIVE", "CONFIRMED": "BUSY", "CANCELLED": "FREE"}[status]
    transp = "TRANSPARENT" if status == "CANCELLED" else "OPAQUE"
    for line in (f"TRANSP:{transp}", f"X-MICROSOFT-CDO-BUSYSTATUS:{busy}",
                 f"X-MICROSOFT-CDO-INTENDEDSTATUS:{busy}"):  # fmt: skip
        assert _lines(body).count(line.encode()) == 1


def test_uid_stays_when_the_meeting_moves(auth, client, make_meeting, db):
    meeting = make_meeting()
    auth.login("viewer")
    _cal, before = _event(_download(client, meeting))
    services.reschedule(meeting, datetime(2030, 12, 4, 6, 30, tzinfo=UTC),
                        datetime(2030, 12, 4, 8, 0, tzinfo=UTC))  # fmt: skip
    db.session.commit()
    _cal, after = _event(_download(client, meeting))
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["DTSTART"].to_ical() == b"20301204T143000"
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")


def test_missing_meeting_and_signed_out(auth, client, make_meeting):
    meeting = make_meeting()
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 302 and response.location.startswith("/login")
    auth.login("viewer")
    assert client.get("/meetings/999999.ics").status_code == 404


def test_calendar_of_two_zones_and_no_method(app, make_meeting):
    shanghai = make_meeting()
    seoul = make_meeting(timezone="Asia/Seoul", start_dt=datetime(2030, 12, 5, 1, tzinfo=UTC),
                         end_dt=datetime(2030, 12, 5, 2, tzinfo=UTC), passcode="7788")  # fmt: skip
    with app.app_context():
        events = [build_event(shanghai, "zh"), build_event(seoul, "ko")]
        body = calendar_bytes(events, name='交流日程, 首尔; "测试"\n第二行')
    lines = _lines(body)
    assert not any(line.startswith(b"METHOD") for line in lines)
    assert "X-WR-CALNAME:交流日程\\, 首尔\\; 测试 第二行".encode() in lines
    assert "NAME:交流日程\\, 首尔\\; 测试 第二行".encode() in lines
    cal = Calendar.from_ical(body)
    zones = _timezones(cal)
    assert sorted(zones) == ["Asia/Seoul", "Asia/Shanghai"]
    for tzid, offset in (("Asia/Shanghai", "+0800"), ("Asia/Seoul", "+0900")):
        assert [c.name for c in zones[tzid].subcomponents] == ["STANDARD"]
        assert zones[tzid].subcomponents[0]["TZOFFSETTO"].to_ical() == offset
    assert not cal.get_missing_tzids()
    assert b"7788" not in body  # the passcode only goes to staff, on request
