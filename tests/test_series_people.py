"""Whole-series actions: confirm every meeting at once, add a person to every coming meeting."""

from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.invites.models import OutboxMessage
from tests.test_series import _create


@pytest.fixture
def coordinator(auth):
    return auth.login("coordinator", locale="en", timezone="Asia/Shanghai")


def _calendars_for(db, email):
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    )
    result = []
    for row in rows:
        message = message_from_bytes(row.raw, policy=policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        result.append(Calendar.from_ical(part.get_content()))
    return result


def test_add_a_contact_to_every_meeting_then_confirm_the_series(client, db, coordinator,
                                                                  make_contact):  # fmt: skip
    contact = make_contact("seoul", email="series.guest@seoul.example.kr")
    series = _create(client, db, start_local="2030-09-03T14:30", end_local="2030-09-03T16:00")
    url = f"/meetings/series/{series.id}/participants"
    response = client.post(url, data={"person": f"contact:{contact.id}", "role": "participant"})
    assert response.status_code == 302
    assert all(contact.id in {p.contact_id for p in m.participants} for m in series.meetings)
    assert _calendars_for(db, contact.email) == []  # drafts send nothing

    assert client.post(f"/meetings/series/{series.id}/confirm").status_code == 302
    assert {m.status for m in series.meetings} == {"confirmed"}
    [calendar] = _calendars_for(db, contact.email)  # one message for the whole series
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["COUNT"] == [6]

    again = client.post(f"/meetings/series/{series.id}/confirm")
    assert again.status_code == 303
    assert len(_calendars_for(db, contact.email)) == 1


def test_series_actions_need_an_editor_and_a_real_person(client, db, auth, make_user):
    auth.login("coordinator", locale="en")
    series = _create(client, db, start_local="2030-09-03T14:30", end_local="2030-09-03T16:00")
    bad = client.post(
        f"/meetings/series/{series.id}/participants",
        data={"person": "guest", "guest_email": "not-an-address", "role": "observer"},
    )
    assert bad.status_code == 303
    assert all(m.participants == [] for m in series.meetings)
    assert client.post("/meetings/series/999999/confirm").status_code == 404
    auth.logout()
    auth.login("viewer")
    assert client.post(f"/meetings/series/{series.id}/confirm").status_code == 403
    assert {m.status for m in series.meetings} == {"draft"}
