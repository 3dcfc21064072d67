"""Whole-series actions: confirm every meeting at once, add a person to every coming meeting."""

import pytest

from tests.test_series import _create


@pytest.fixture
def coordinator(auth):
    return auth.login("coordinator", locale="en", timezone="Asia/Shanghai")


def test_add_a_contact_to_every_meeting_then_confirm_the_series(client, db, coordinator,
                                                                  make_contact, mail):  # fmt: skip
    contact = make_contact("seoul", email="series.guest@seoul.example.kr")
    series = _create(client, db, start_local="2030-09-03T14:30", end_local="2030-09-03T16:00")
    url = f"/meetings/series/{series.id}/participants"
    response = client.post(url, data={"person": f"contact:{contact.id}", "role": "participant"})
    assert response.status_code == 302
    assert all(contact.id in {p.contact_id for p in m.participants} for m in series.meetings)
    assert mail() == {}  # drafts send nothing

    assert client.post(f"/meetings/series/{series.id}/confirm").status_code == 302
    assert {m.status for m in series.meetings} == {"confirmed"}
    [invite] = mail()[contact.email]  # one message for the whole series
    assert invite.method == "REQUEST"
    event = invite.event
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["COUNT"] == [6]

    again = client.post(f"/meetings/series/{series.id}/confirm")
    assert again.status_code == 303
    assert mail() == {}


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
