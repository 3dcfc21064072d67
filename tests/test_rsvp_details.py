"""The RSVP page carries what a partner needs to join (walkthrough §2 A): join link, meeting
ID, passcode, agenda with its line breaks, and the meeting for their own calendar as it
stands now (the latest invitation's calendar); bad links give the translated 404 page."""

from icalendar import Calendar

from scheduler.extensions import db
from scheduler.invites.rsvp.services import rsvp_url
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Participant
from tests.invites_support import in_request
from tests.test_ical_js import SCRIPT

BASE = "http://127.0.0.1:5000"


def _page_path(app, participant_id: int) -> str:
    with app.test_request_context():
        url = rsvp_url(db.session.get(Participant, participant_id), "accepted")
    return url.removeprefix(BASE).split("?")[0]


def _agenda(app, meeting_id: int) -> None:
    in_request(app, meeting_id, lambda m: services.update_meeting(
        m, {"agenda_ko": "1. 개회\n2. 항만물류 협력", "meeting_code": "123 456"}))  # fmt: skip


def test_the_page_shows_join_details_agenda_and_a_calendar_link(app, client, invited):
    _agenda(app, invited["meeting"].id)
    path = _page_path(app, invited["kim"])
    page = client.get(path).get_data(as_text=True)
    assert (
        '<dd class="col-sm-9" id="rsvp-join"><a href="https://meet.example.cn/abc" '
        'rel="noopener noreferrer">https://meet.example.cn/abc</a></dd>'
    ) in page
    assert '<dt class="col-sm-3">회의 ID</dt><dd class="col-sm-9">123 456</dd>' in page
    assert '<dd class="col-sm-9">8812</dd>' in page
    assert '<dd class="col-sm-9 text-pre" id="rsvp-agenda">1. 개회\n2. 항만물류 협력</dd>' in page
    assert (
        f'<a href="{path}/invite.ics" id="rsvp-calendar" download="invite.ics">'
        "내 캘린더에 추가(invite.ics)</a>"
    ) in page


def test_the_download_is_the_latest_invitation(app, client, invited, ical_js):
    _agenda(app, invited["meeting"].id)
    response = client.get(_page_path(app, invited["kim"]) + "/invite.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == 'attachment; filename="invite.ics"'
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    meeting = db.session.get(Meeting, invited["meeting"].id)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]).startswith(meeting.uid)
    assert event["SEQUENCE"] == meeting.sequence == 2  # confirmed, then the agenda changed
    assert str(event["ATTENDEE"]) == f"mailto:{invited['kim_email']}"
    assert str(event["SUMMARY"]) == "한중 화상회의"
    assert "https://meet.example.cn/abc" in str(event["DESCRIPTION"])
    parsed = ical_js(SCRIPT, response.data)
    assert [e["summary"] for e in parsed["events"]] == ["한중 화상회의"]


def test_a_cancelled_meeting_shows_no_join_details_and_downloads_a_cancel(app, client, invited):
    path = _page_path(app, invited["kim"])
    in_request(app, invited["meeting"].id, lambda m: services.cancel(m, "일정 변경"))
    page = client.get(path).get_data(as_text=True)
    assert 'id="rsvp-cancelled"' in page
    assert "meet.example.cn" not in page and 'id="rsvp-calendar"' not in page
    calendar = Calendar.from_ical(client.get(path + "/invite.ics").data)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_a_bad_link_downloads_nothing(client, invited):
    for token in ("x" * 48, "not-a-token", "%00"):
        response = client.get(f"/rsvp/{token}/invite.ics")
        assert response.status_code in (400, 404)
        assert response.mimetype == "text/html"
