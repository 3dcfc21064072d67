"""Lifecycle changes, participants and conflicts, through the pages and the one signal."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Room
from scheduler.meetings.signals import meeting_changed


@pytest.fixture
def changes():
    received = []

    def listener(meeting, **details):
        received.append((meeting.id, details["change"]))

    meeting_changed.connect(listener)
    yield received
    meeting_changed.disconnect(listener)


def test_confirm_then_cancel_with_reason(auth, client, make_meeting, changes):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    assert (
        client.post(
            f"/meetings/{meeting.id}/confirm", data={"version": meeting.version}
        ).status_code
        == 302
    )
    assert (meeting.status, meeting.sequence) == ("confirmed", 1)
    response = client.post(
        f"/meetings/{meeting.id}/cancel", data={"version": meeting.version, "reason": ""}
    )
    assert response.status_code == 303 and meeting.status == "confirmed"
    response = client.post(
        f"/meetings/{meeting.id}/cancel", data={"version": meeting.version, "reason": "台风停航"}
    )
    assert response.status_code == 302
    assert (meeting.status, meeting.sequence, meeting.status_reason) == ("cancelled", 2, "台风停航")
    assert changes == [
        (meeting.id, "created"),
        (meeting.id, "confirmed"),
        (meeting.id, "cancelled"),
    ]
    response = client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    assert response.status_code == 400
    assert "cannot be changed" in response.get_data(as_text=True)
    assert meeting.status == "cancelled"


def test_postpone_and_held(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("coordinator", locale="en")
    assert (
        client.post(f"/meetings/{meeting.id}/held", data={"version": meeting.version}).status_code
        == 400
    )
    client.post(
        f"/meetings/{meeting.id}/postpone", data={"version": meeting.version, "reason": "议程调整"}
    )
    assert meeting.status == "postponed"
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    assert (
        client.post(f"/meetings/{meeting.id}/held", data={"version": meeting.version}).status_code
        == 302
    )
    assert meeting.status == "held"
    assert client.post(f"/meetings/{meeting.id}/bogus").status_code == 404


def test_add_and_remove_participants(auth, client, db, make_meeting, make_contact, make_user):
    meeting = make_meeting()
    contact = make_contact("seoul")
    staff = make_user("viewer")
    auth.login("coordinator", locale="en")
    url = f"/meetings/{meeting.id}/participants"
    assert (
        client.post(
            url, data={"person": f"contact:{contact.id}", "role": "participant"}
        ).status_code
        == 302
    )
    assert (
        client.post(url, data={"person": f"user:{staff.id}", "role": "interpreter"}).status_code
        == 302
    )
    guest = {"person": "guest", "guest_email": "Guest@Example.org", "guest_name": "A. Guest",
             "role": "observer"}  # fmt: skip
    assert client.post(url, data=guest).status_code == 302
    people = {(p.contact_id, p.user_id, p.guest_email, p.role) for p in meeting.participants}
    assert people == {
        (contact.id, None, None, "participant"),
        (None, staff.id, None, "interpreter"),
        (None, None, "guest@example.org", "observer"),
    }
    again = client.post(url, data={"person": f"contact:{contact.id}", "role": "participant"})
    assert again.status_code == 409 and len(meeting.participants) == 3
    assert "This person already takes part in the meeting." in again.get_data(as_text=True)
    bad_guest = client.post(
        url, data={"person": "guest", "guest_email": "nope", "role": "observer"}
    )
    assert bad_guest.status_code == 303 and len(meeting.participants) == 3
    removed = next(p for p in meeting.participants if p.contact_id)
    client.post(f"/meetings/{meeting.id}/participants/{removed.id}/remove")
    assert len(meeting.participants) == 2


def test_inactive_contact_cannot_join(auth, client, db, make_meeting, make_contact):
    meeting = make_meeting()
    contact = make_contact("seoul")
    contact.is_active = False
    db.session.commit()
    auth.login("coordinator", locale="en")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"contact:{contact.id}" not in page  # not offered
    data = {"person": f"contact:{contact.id}", "role": "participant"}
    response = client.post(f"/meetings/{meeting.id}/participants", data=data)
    assert response.status_code == 303
    assert meeting.participants == []
    from scheduler.meetings.services import MeetingError, add_participant

    with pytest.raises(MeetingError, match="inactive"):
        add_participant(meeting, contact=contact)


def _add(client, meeting, person, role="participant", reason=""):
    data = {"person": person, "role": role, "override_reason": reason}
    return client.post(f"/meetings/{meeting.id}/participants", data=data)


def test_person_conflict_needs_a_reason_and_is_audited(
    auth, client, db, make_meeting, make_contact
):
    contact = make_contact("seoul")
    first, second = (
        make_meeting(),
        make_meeting(
            start_dt=datetime(2030, 12, 3, 7, 0, tzinfo=UTC),
            end_dt=datetime(2030, 12, 3, 9, 0, tzinfo=UTC),
        ),
    )
    auth.login("coordinator", locale="en")
    _add(client, first, f"contact:{contact.id}")
    refused = _add(client, second, f"contact:{contact.id}")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert f'href="/meetings/{first.id}"' in html
    assert second.participants == []
    assert _add(client, second, f"contact:{contact.id}", reason="部长只出席开幕").status_code == 302
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "override").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.object_id == second.id and entry.changes["reason"] == "部长只出席开幕"


def test_interpreter_and_room_cannot_be_double_booked(auth, client, db, make_meeting, make_user):
    interpreter = make_user("viewer")
    room = Room(name_zh="第一会议室", name_ko="제1회의실")
    db.session.add(room)
    db.session.commit()
    first = make_meeting(room_id=room.id)
    second = make_meeting()
    auth.login("coordinator", locale="en")
    _add(client, first, f"user:{interpreter.id}", role="interpreter")
    refused = _add(client, second, f"user:{interpreter.id}", reason="please")
    assert refused.status_code == 409 and second.participants == []
    with pytest.raises(Exception, match="already booked"):
        from scheduler.meetings.services import update_meeting

        update_meeting(second, {"room_id": room.id, "start_dt": second.start_dt.replace(minute=45)})
    db.session.rollback()
    assert second.room_id is None
