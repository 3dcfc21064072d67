"""Every invite, update, cancel and feed of a series planned in a zone with daylight saving
(and in the two home zones) reads as the same UTC occurrences in recurring_ical_events and in
ical.js, and the last of them as the meetings the app holds (issue 14, "Done when")."""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import Rule
from scheduler.partners.services import get_partner
from tests.feeds_support import new_feed
from tests.invites_support import change
from tests.js import ROOT

pytestmark = pytest.mark.usefixtures("smtp_app")
SCRIPT = ROOT / "tests" / "js" / "occurrences.mjs"
UNTIL = datetime(2040, 1, 1, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Seoul", "Asia/Shanghai")


def _python(ics: bytes) -> list[datetime]:
    found = recurring_ical_events.of(Calendar.from_ical(ics)).between(datetime(2000, 1, 1), UNTIL)
    return sorted(event.decoded("DTSTART").astimezone(UTC) for event in found)


def _ical_js(ical_js, ics: bytes) -> list[datetime]:
    request = json.dumps({"ics": ics.decode(), "until": UNTIL.isoformat()}).encode()
    return [datetime.fromisoformat(start) for start in ical_js(SCRIPT, request)["starts"]]


def _weekly_across_the_changes(app, zone: str, contact_id: int, organizer_id: int) -> int:
    """A confirmed 10:00 weekly series of 40 Mondays from January: across March/April and
    October changes of daylight saving; the contact takes part in every meeting."""
    from scheduler.auth.models import User
    from scheduler.contacts.models import Contact

    first = date.today() + timedelta(days=35)
    first -= timedelta(days=first.weekday())
    rule = Rule(freq="weekly", interval=1, start_date=first, start_time=time(10, 0),
                duration_minutes=60, zone=zone, weekdays=("MO",), count=40)  # fmt: skip
    data = {"kind": "video_link", "title_zh": "周例会", "title_ko": "주간 회의",
            "status": "confirmed"}  # fmt: skip
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        series = series_services.create_series(organizer, rule, data, [get_partner("busan")])
        for meeting in series.meetings:
            services.add_participant(meeting, contact=db.session.get(Contact, contact_id))
        db.session.commit()
        return series.id


def _rows(series_id: int) -> list[Meeting]:
    series = db.session.get(MeetingSeries, series_id)
    return sorted(series.meetings, key=lambda m: m.recurrence_start)


@pytest.mark.parametrize("zone", ZONES)
def test_invites_updates_cancels_and_feed_agree_everywhere(zone, app, client, db, mail, ical_js,
                                                           make_user, make_contact):  # fmt: skip
    organizer = make_user("coordinator")
    contact = make_contact(language="ko", timezone=zone, partner="busan")
    series_id = _weekly_across_the_changes(app, zone, contact.id, organizer.id)
    rows = _rows(series_id)
    moved = rows[10].start_dt + timedelta(hours=1)
    change(app, Meeting, rows[10].id, lambda m: series_services.edit_occurrence(
        m, {"start_dt": moved, "end_dt": moved + timedelta(hours=1)}))  # fmt: skip
    change(app, Meeting, rows[20].id, lambda m: series_services.cancel_occurrence(m, "休会"))
    change(app, Meeting, rows[30].id, lambda m: series_services.cancel_following(m, "结束"))
    received = mail()[contact.email]
    assert [invite.method for invite in received] == ["REQUEST"] * 4
    for invite in received:
        assert _python(invite.ics) == _ical_js(ical_js, invite.ics), invite.message["Subject"]

    db.session.expire_all()
    live = sorted(
        m.start_dt
        for m in db.session.scalars(sa.select(Meeting).where(Meeting.series_id == series_id))
        if m.status != MeetingStatus.CANCELLED
    )
    assert len(live) == 29 and moved in live
    assert _python(received[-1].ics) == live
    feed = client.get(new_feed(app, "--partner", "busan")).data
    assert _python(feed) == _ical_js(ical_js, feed) == live
