"""Who gets which invite, and when: every lifecycle change, delivered over real SMTP."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.conftest import count
from tests.invites_support import change

pytestmark = pytest.mark.usefixtures("smtp_app")


@pytest.fixture
def meeting_with_people(make_meeting, make_user, make_contact, db):
    """A draft video link with a Chinese staff member, a Korean contact, an interpreter, an
    English-speaking guest and a Korean contact without an e-mail address."""
    organizer = make_user("coordinator", name_zh="王芳", name_ko="왕팡")
    meeting = make_meeting(organizer=organizer, platform="Zoom", meeting_code="812 4471 0093",
                           join_url="https://zoom.us/j/81244710093", passcode="5521")  # fmt: skip
    people = {
        "staff": make_user("coordinator", name_zh="李明", locale="zh", timezone="Asia/Shanghai"),
        "contact": make_contact(language="ko", timezone="Asia/Seoul"),
        "interpreter": make_user(
            "coordinator", name_zh="崔英", locale="ko", timezone="Asia/Shanghai"
        ),  # fmt: skip
        "silent": make_contact(email="", family_name_ko="박", given_name_ko="서연"),
    }
    services.add_participant(meeting, "host", user=people["staff"])
    services.add_participant(meeting, contact=people["contact"])
    services.add_participant(meeting, "interpreter", user=people["interpreter"])
    services.add_participant(meeting, contact=people["silent"])
    services.add_participant(meeting, guest_email="guest@example.org", guest_name="Ann Lee",
                             guest_language="en")  # fmt: skip
    db.session.commit()
    addresses = {name: person.email for name, person in people.items() if person.email}
    addresses["guest"] = "guest@example.org"
    return meeting, addresses, organizer


def _summary(invite) -> tuple[str, str]:
    event = invite.events[0]
    return str(event["SUMMARY"]), event["SUMMARY"].params["LANGUAGE"]


def _one_each(received: dict, addresses) -> dict:
    """Exactly one message for each address, and none for anyone else."""
    assert sorted(received) == sorted(addresses)
    assert all(len(messages) == 1 for messages in received.values())
    return {address: messages[0] for address, messages in received.items()}


def _facts(invite) -> tuple:
    event = invite.event
    return invite.method, event["SEQUENCE"], str(event["STATUS"])


def test_a_draft_and_its_changes_send_nothing(meeting_with_people, auth, client, mail):
    meeting, _addresses, _organizer = meeting_with_people
    later = (datetime(2030, 12, 4, 6, 30, tzinfo=UTC), datetime(2030, 12, 4, 8, tzinfo=UTC))
    change(client.application, Meeting, meeting.id, lambda m: services.reschedule(m, *later))
    change(client.application, Meeting, meeting.id,
           lambda m: services.update_meeting(m, {"title_zh": "新标题"}))  # fmt: skip
    assert count(OutboxMessage) == 0
    assert mail() == {}


def test_confirming_invites_everyone_with_an_e_mail(meeting_with_people, auth, client, mail):
    meeting, addresses, organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    assert (
        client.post(
            f"/meetings/{meeting.id}/confirm", data={"version": meeting.version}
        ).status_code
        == 302
    )
    invites = _one_each(mail(), addresses.values())
    for invite in invites.values():
        assert _facts(invite) == ("REQUEST", 1, "CONFIRMED")
        assert str(invite.event["UID"]) == f"{meeting.uid}@cnkr-exchange-scheduler"
        [attendee] = invite.event["ATTENDEE"] if isinstance(invite.event["ATTENDEE"], list) \
            else [invite.event["ATTENDEE"]]  # fmt: skip
        assert str(attendee) == f"mailto:{invite.to}"
        assert str(invite.event["ORGANIZER"]) == "mailto:foreign-affairs@cnkr-zone.example.cn"
        assert invite.event["ORGANIZER"].params["CN"] in ("王芳", "왕팡")
        assert invite.message["Reply-To"] == organizer.email
    assert _summary(invites[addresses["staff"]]) == ("中韩视频连线", "zh-CN")
    assert _summary(invites[addresses["contact"]]) == ("한중 화상회의", "ko")
    assert _summary(invites[addresses["interpreter"]]) == ("한중 화상회의", "ko")
    assert _summary(invites[addresses["guest"]]) == ("中韩视频连线", "en")
    assert invites[addresses["guest"]].message["Subject"].startswith("Invitation: 中韩视频连线, ")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.count("Not invited: no e-mail address") == 1


def test_tentative_then_confirmed_then_title_only(meeting_with_people, auth, client, mail):
    meeting, addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/tentative", data={"version": meeting.version})
    first = _one_each(mail(), addresses.values())
    assert {_facts(i) for i in first.values()} == {("REQUEST", 1, "TENTATIVE")}
    assert first[addresses["guest"]].message["Subject"].startswith("Tentative invitation: ")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    second = _one_each(mail(), addresses.values())
    assert {_facts(i) for i in second.values()} == {("REQUEST", 2, "CONFIRMED")}
    assert second[addresses["guest"]].message["Subject"].startswith("Updated invitation: ")
    change(
        client.application,
        Meeting,
        meeting.id,
        lambda m: services.update_meeting(m, {"title_en": "Renamed", "agenda_zh": "议程"}),
    )
    assert mail() == {}  # nothing a calendar keys on changed: SEQUENCE stayed


def test_a_move_sends_one_update_to_each(meeting_with_people, auth, client, mail):
    meeting, addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    mail()
    later = (datetime(2030, 12, 4, 6, 30, tzinfo=UTC), datetime(2030, 12, 4, 8, tzinfo=UTC))
    change(client.application, Meeting, meeting.id, lambda m: services.reschedule(m, *later))
    invites = _one_each(mail(), addresses.values())  # reschedule signals twice, mails once
    for invite in invites.values():
        assert _facts(invite) == ("REQUEST", 2, "CONFIRMED")
        assert invite.event["DTSTART"].to_ical() == b"20301204T143000"
    change(
        client.application,
        Meeting,
        meeting.id,
        lambda m: services.update_meeting(m, {"join_url": "https://zoom.us/j/1"}),
    )
    assert {_facts(i) for i in _one_each(mail(), addresses.values()).values()} == {
        ("REQUEST", 3, "CONFIRMED")
    }


def test_added_and_removed_participants_hear_alone(meeting_with_people, auth, client, mail,
                                                   make_contact):  # fmt: skip
    meeting, addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    mail()
    newcomer = make_contact(language="zh", timezone="Asia/Seoul")
    response = client.post(
        f"/meetings/{meeting.id}/participants",
        data={"person": f"contact:{newcomer.id}", "role": "participant"},
    )
    assert response.status_code == 302
    [invite] = _one_each(mail(), [newcomer.email]).values()
    assert _facts(invite) == ("REQUEST", 1, "CONFIRMED")
    assert _summary(invite) == ("中韩视频连线", "zh-CN")
    contact = next(p for p in meeting.participants if p.contact_id == newcomer.id)
    client.post(f"/meetings/{meeting.id}/participants/{contact.id}/remove")
    [cancel] = _one_each(mail(), [newcomer.email]).values()
    assert _facts(cancel) == ("CANCEL", 2, "CANCELLED")
    assert "中韩视频连线" in cancel.message["Subject"]


def test_removing_someone_never_invited_sends_nothing(meeting_with_people, auth, client, mail):
    meeting, _addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    guest = next(p for p in meeting.participants if p.guest_email)
    client.post(f"/meetings/{meeting.id}/participants/{guest.id}/remove")  # still a draft
    assert mail() == {}


def test_cancel_sends_cancel_to_all_and_held_sends_nothing(meeting_with_people, auth, client,
                                                           mail):  # fmt: skip
    meeting, addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    mail()
    client.post(
        f"/meetings/{meeting.id}/cancel", data={"version": meeting.version, "reason": "台风停航"}
    )
    invites = _one_each(mail(), addresses.values())
    for invite in invites.values():
        assert _facts(invite) == ("CANCEL", 2, "CANCELLED")
        assert b"BEGIN:VALARM" not in invite.ics
        assert invite.part("text/calendar").get_param("method") == "CANCEL"
    assert "台风停航" in str(invites[addresses["contact"]].event["DESCRIPTION"])
    assert invites[addresses["guest"]].message["Subject"].startswith("Cancelled: ")


def test_held_sends_nothing(meeting_with_people, auth, client, mail):
    meeting, _addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    mail()
    assert (
        client.post(f"/meetings/{meeting.id}/held", data={"version": meeting.version}).status_code
        == 302
    )
    assert mail() == {}


def test_postpone_keeps_the_entry_tentative_with_the_reason(meeting_with_people, auth, client,
                                                            mail):  # fmt: skip
    meeting, addresses, _organizer = meeting_with_people
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    mail()
    client.post(
        f"/meetings/{meeting.id}/postpone",
        data={"version": meeting.version, "reason": "议程调整 / 일정 조정"},
    )
    invites = _one_each(mail(), addresses.values())
    for invite in invites.values():
        assert _facts(invite) == ("REQUEST", 2, "TENTATIVE")
        assert "议程调整 / 일정 조정" in str(invite.event["DESCRIPTION"])
    assert invites[addresses["guest"]].message["Subject"] == "Postponed: 中韩视频连线"
    text = invites[addresses["guest"]].text()  # nothing to answer until the new time comes
    assert "/rsvp/" not in text and "/rsvp/" not in invites[addresses["guest"]].text("text/html")
    assert "updates the entry in your calendar" in text and "puts the meeting in" not in text
    later = (datetime(2030, 12, 10, 6, 30, tzinfo=UTC), datetime(2030, 12, 10, 8, tzinfo=UTC))
    change(client.application, Meeting, meeting.id, lambda m: services.reschedule(m, *later))
    invites = _one_each(mail(), addresses.values())
    assert {_facts(i) for i in invites.values()} == {("REQUEST", 3, "TENTATIVE")}


def test_organizer_only_when_a_participant(make_meeting, make_user, auth, client, mail, db):
    organizer = make_user("coordinator")
    meeting = make_meeting(organizer=organizer)
    guest_meeting = make_meeting(organizer=organizer,
                                 start_dt=datetime(2030, 12, 9, 6, 30, tzinfo=UTC),
                                 end_dt=datetime(2030, 12, 9, 8, tzinfo=UTC))  # fmt: skip
    services.add_participant(meeting, "host", user=organizer)
    services.add_participant(guest_meeting, guest_email="kim@seoul.example.kr")
    db.session.commit()
    auth.login("coordinator", locale="en")
    client.post(f"/meetings/{meeting.id}/confirm", data={"version": meeting.version})
    client.post(f"/meetings/{guest_meeting.id}/confirm", data={"version": guest_meeting.version})
    received = mail()
    assert sorted(received) == sorted([organizer.email, "kim@seoul.example.kr"])
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.kind, r.status) for r in rows] == [("invite_request", "sent")] * 2


def test_confirm_then_cancel_in_one_transaction_sends_nothing(app, make_meeting, make_contact,
                                                                 mail):  # fmt: skip
    contact = make_contact("seoul", email="same.tx@seoul.example.kr")

    def one_unit_of_work(meeting):  # as a script or a job might do it
        services.add_participant(meeting, contact=db_get_contact(contact.id))
        services.confirm(meeting)
        services.cancel(meeting, "계획 변경")

    change(app, Meeting, make_meeting().id, one_unit_of_work)
    assert mail() == {}


def test_removed_then_added_back_gets_a_newer_invite(app, make_meeting, make_contact, mail):
    contact = make_contact("seoul", email="back.again@seoul.example.kr")
    meeting_id = make_meeting().id
    steps = (  # one request each, as staff would do it
        lambda m: services.add_participant(m, contact=db_get_contact(contact.id)),
        services.confirm,
        lambda m: services.remove_participant(m, m.participants[0]),
        lambda m: services.add_participant(m, contact=db_get_contact(contact.id)),
    )
    for step in steps:
        change(app, Meeting, meeting_id, step)
    invites = mail()["back.again@seoul.example.kr"]
    assert [invite.method for invite in invites] == ["REQUEST", "CANCEL", "REQUEST"]
    sequences = [int(invite.event["SEQUENCE"]) for invite in invites]
    # RFC 5546 §2.1.5: the higher SEQUENCE wins, and on a tie the later DTSTAMP.
    assert sequences[0] < sequences[1] <= sequences[2]
    assert invites[2].event["DTSTAMP"].dt >= invites[1].event["DTSTAMP"].dt


def db_get_contact(contact_id):
    from scheduler.contacts.models import Contact
    from scheduler.extensions import db

    return db.session.get(Contact, contact_id)
