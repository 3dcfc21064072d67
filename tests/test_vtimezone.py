"""The VTIMEZONEs we write say what zoneinfo says, in icalendar and in ical.js (issue 14.1).

For every zone: the UTC offset that the written VTIMEZONE implies at each hour around each
real change, over the calendar's span and ten years ahead, equals zoneinfo's; a weekly series
across the changes expands to the same UTC starts in recurring_ical_events and ical.js.
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar, Event

from scheduler.invites.ical import calendar_bytes
from scheduler.invites.vtimezone import vtimezone
from tests.js import ROOT

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Europe/Dublin",  # "negative" daylight saving: winter is the exception in law
)
SCRIPT = ROOT / "tests" / "js" / "zone_offsets.mjs"
OCCURRENCES = ROOT / "tests" / "js" / "occurrences.mjs"
SPAN_YEARS = 11  # the calendar's first year and ten years ahead


def _real_changes(zone: ZoneInfo, first_year: int) -> list[datetime]:
    """Every hour after which zoneinfo's offset differs, found by walking hour by hour."""
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(first_year + SPAN_YEARS, 1, 1, tzinfo=UTC)
    found, offset = [], moment.astimezone(zone).utcoffset()
    while moment < end:
        moment += timedelta(hours=1)
        now = moment.astimezone(zone).utcoffset()
        if now != offset:
            found.append(moment)
            offset = now
    return found


def _instants(tzid: str, first_year: int) -> list[datetime]:
    """Each hour from 3 hours before to 3 hours after every change (and at each New Year)."""
    around = _real_changes(ZoneInfo(tzid), first_year)
    around += [datetime(year, 1, 1, tzinfo=UTC) for year in range(first_year, first_year + 11)]
    return sorted({change + timedelta(hours=h) for change in around for h in range(-3, 4)})


def _calendar(tzid: str, start: datetime, rrule: dict | None = None) -> bytes:
    event = Event()
    event.add("uid", f"zone-test-{tzid}@example.com")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=1))
    event.add("summary", "Weekly call")
    if rrule:
        event.add("rrule", rrule)
    return calendar_bytes([event])


@pytest.mark.parametrize("first_year", [2026, 2000])
@pytest.mark.parametrize("tzid", ZONES)
def test_offsets_match_zoneinfo_in_icalendar(tzid, first_year):
    component = vtimezone(tzid, first_year)
    written = Calendar.from_ical(_wrap(component))
    own = written.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    zone = ZoneInfo(tzid)
    wrong = [
        (instant, instant.astimezone(own).utcoffset(), instant.astimezone(zone).utcoffset())
        for instant in _instants(tzid, first_year)
        if instant.astimezone(own).utcoffset() != instant.astimezone(zone).utcoffset()
    ]
    assert wrong == []


def _wrap(component) -> bytes:
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + (
        component.to_ical() + b"END:VCALENDAR\r\n"
    )


def _zone_offsets(ical_js, ics: bytes, tzid: str, locals_) -> dict:
    request = {
        "ics": ics.decode(),
        "tzid": tzid,
        "locals": [moment.strftime("%Y-%m-%dT%H:%M:%S") for moment in locals_],
    }
    return ical_js(SCRIPT, json.dumps(request).encode())


@pytest.mark.parametrize("tzid", ZONES)
def test_wall_times_match_zoneinfo_in_ical_js(tzid, ical_js):
    """ical.js reads a wall time in the zone (a DTSTART with TZID) through our VTIMEZONE as the
    same instant as zoneinfo, at each hour around each change (the hour a change repeats is
    left out: it has two right answers)."""
    ics = _calendar(tzid, datetime(2026, 1, 5, 10, tzinfo=ZoneInfo(tzid)))
    zone = ZoneInfo(tzid)
    instants = [moment for moment in _instants(tzid, 2026) if not _repeated(moment, zone)]
    walls = [moment.astimezone(zone) for moment in instants]
    result = _zone_offsets(ical_js, ics, tzid, walls)
    assert [datetime.fromisoformat(text) for text in result["utc"]] == instants


def _repeated(instant: datetime, zone: ZoneInfo) -> bool:
    wall = instant.astimezone(zone).replace(tzinfo=None)
    both = (wall.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1))
    return len(set(both)) > 1


@pytest.mark.parametrize("tzid", ZONES)
def test_series_across_changes_expand_alike(tzid, ical_js):
    """A weekly 10:00 call for two years, bounded by UNTIL: the same UTC starts everywhere,
    each at 10:00 on the zone's own clock, the last one included."""
    zone = ZoneInfo(tzid)
    first = datetime(2026, 1, 5, 10, tzinfo=zone)
    last = datetime(2027, 12, 27, 10, tzinfo=zone)
    rule = {"FREQ": "WEEKLY", "UNTIL": last.astimezone(UTC)}
    ics = _calendar(tzid, first, rule)
    until = datetime(2028, 1, 1, tzinfo=UTC)
    in_python = [
        occurrence["DTSTART"].dt.astimezone(UTC)
        for occurrence in recurring_ical_events.of(Calendar.from_ical(ics)).between(first, until)
    ]
    request = json.dumps({"ics": ics.decode(), "until": until.isoformat()}).encode()
    in_js = ical_js(OCCURRENCES, request)["starts"]
    expected = [(first + timedelta(weeks=n)).astimezone(UTC) for n in range(104)]
    assert [moment.astimezone(zone).hour for moment in expected] == [10] * 104
    assert in_python == expected
    assert [datetime.fromisoformat(moment) for moment in in_js] == expected


def test_zones_without_daylight_saving_keep_one_standard_block():
    text = vtimezone("Asia/Seoul", 2026).to_ical().decode()
    assert text == (
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Seoul\r\nBEGIN:STANDARD\r\nDTSTART:19890101T000000\r\n"
        "TZNAME:KST\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    )


def test_daylight_onset_is_on_the_clock_before_the_change():
    """RFC 5545 §3.6.5: Berlin's summer time starts at 02:00 (CET), ends at 03:00 (CEST);
    one yearly rule each, open-ended, nothing listed as RDATE."""
    text = vtimezone("Europe/Berlin", 2026).to_ical().decode()
    assert "RDATE" not in text
    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
        "TZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
    ) in text
    assert (
        "BEGIN:STANDARD\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        "TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
    ) in text


def test_a_rule_that_stopped_ends_with_until():
    """New York changed its rule in 2007: a calendar from 2000 carries both, the old one with
    UNTIL at its last change (UTC); a calendar from 2026 only the rule in force."""
    since_2000 = vtimezone("America/New_York", 2000).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYDAY=1SU;BYMONTH=4\r\n" in since_2000
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in since_2000
    since_2026 = vtimezone("America/New_York", 2026).to_ical().decode()
    assert since_2026.count("BEGIN:DAYLIGHT") == since_2026.count("BEGIN:STANDARD") == 1
    assert "UNTIL" not in since_2026


def test_unknown_zone_gives_none():
    assert vtimezone("Mars/Olympus_Mons", 2026) is None
