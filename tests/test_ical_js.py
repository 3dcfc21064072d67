"""Every kind of iCalendar we emit also parses in ical.js (ical-interop.md §9), not only in
the Python icalendar package that wrote it."""

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.invites_support import change
from tests.js import ROOT

SCRIPT = ROOT / "tests" / "js" / "parse_ics.mjs"


@pytest.fixture
def parse(ical_js):
    def run(ics: bytes) -> dict:
        return ical_js(SCRIPT, ics)

    return run


def _calendars(db, email: str) -> list[bytes]:
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    )
    found = []
    for row in rows:
        message = message_from_bytes(row.raw, policy=policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        found.append(part.get_payload(decode=True))
    return found


def test_invite_update_and_cancel_parse_in_ical_js(app, db, make_meeting, make_contact, parse):
    from scheduler.contacts.models import Contact

    contact = make_contact("seoul", email="icaljs@seoul.example.kr")
    meeting = make_meeting(title_ko='제목; 쉼표, "따옴표": 끝')
    steps = (
        lambda m: services.add_participant(m, contact=db.session.get(Contact, contact.id)),
        services.confirm,
        lambda m: services.reschedule(m, datetime(2030, 12, 3, 7, tzinfo=UTC),
                                      datetime(2030, 12, 3, 8, 30, tzinfo=UTC)),
        lambda m: services.cancel(m, "사정 변경"),
    )  # fmt: skip
    for step in steps:  # one request each, as staff would do it
        change(app, Meeting, meeting.id, step)
    request, update, cancel = (parse(ics) for ics in _calendars(db, contact.email))
    assert [request["method"], update["method"], cancel["method"]] == ["REQUEST", "REQUEST",
                                                                      "CANCEL"]  # fmt: skip
    uids = {r["events"][0]["uid"] for r in (request, update, cancel)}
    assert uids == {f"{meeting.uid}@cnkr-exchange-scheduler"}
    assert [r["events"][0]["sequence"] for r in (request, update, cancel)] == sorted(
        {r["events"][0]["sequence"] for r in (request, update, cancel)}
    )
    assert request["events"][0]["summary"] == '제목; 쉼표, "따옴표": 끝'
    assert request["events"][0]["start_utc"] == "2030-12-03T06:30:00.000Z"
    assert update["events"][0]["start_utc"] == "2030-12-03T07:00:00.000Z"


def test_single_meeting_download_parses_in_ical_js(auth, client, make_meeting, parse):
    meeting = make_meeting()
    auth.login("viewer", locale="zh")
    result = parse(client.get(f"/meetings/{meeting.id}.ics").data)
    [event] = result["events"]
    assert event["start_utc"] == "2030-12-03T06:30:00.000Z"
    assert event["summary"] == "中韩视频连线"


def test_series_with_a_moved_occurrence_parses_in_ical_js(app, auth, client, db, make_contact,
                                                          parse):  # fmt: skip
    from datetime import timedelta

    from scheduler.meetings.series.services import edit_occurrence
    from tests.test_series import _create

    contact = make_contact("seoul", email="series.icaljs@seoul.example.kr")
    auth.login("coordinator", locale="en")
    series = _create(client, db, start_local="2030-09-03T14:30", end_local="2030-09-03T16:00")
    client.post(f"/meetings/series/{series.id}/participants",
                data={"person": f"contact:{contact.id}", "role": "participant"})  # fmt: skip
    client.post(f"/meetings/series/{series.id}/confirm")
    second = series.meetings[1]
    later = {"start_dt": second.start_dt + timedelta(hours=2),
             "end_dt": second.end_dt + timedelta(hours=2)}  # fmt: skip
    change(app, Meeting, second.id, lambda moved: edit_occurrence(moved, later))
    first, update = (parse(ics) for ics in _calendars(db, contact.email))
    [master] = first["events"]
    assert master["rrule"].startswith("FREQ=WEEKLY") and master["recurrence_id_utc"] is None
    override = next(e for e in update["events"] if e["recurrence_id_utc"])
    assert override["uid"] == master["uid"]
    assert override["recurrence_id_utc"] == second.recurrence_start.strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    assert override["start_utc"] == (second.recurrence_start + timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
