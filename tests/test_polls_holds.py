"""Soft holds: while a poll is open its times hold the people asked, the meeting's
interpreters and room. The slot finder marks such a time "held for a time poll", other
meetings' warnings name the poll's meeting (never blocking), the poll's own meeting never
clashes with its own times; closing, withdrawing, cancelling or deleting releases them."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting, Room
from tests.invites_support import add_person, in_request, outbox_rows
from tests.polls_support import meeting, propose, the_poll

HELD = "Held for a time poll: 中韩视频连线"
# The second proposed time: 2030-12-11 10:00–11:00 in Changchun.
SECOND = (datetime(2030, 12, 11, 2, 0, tzinfo=UTC), datetime(2030, 12, 11, 3, 0, tzinfo=UTC))


@pytest.fixture
def poll(client, auth, draft):
    auth.login(locale="en")
    assert propose(client, draft).status_code == 302
    return the_poll(draft)


def _finder(client, draft, **fields):
    li = meeting(draft).participants[1].user
    kim = meeting(draft).participants[0].contact
    query = {
        "participants": [f"user:{li.id}", f"contact:{kim.id}"],
        "first_day": "2030-12-11",
        "last_day": "2030-12-11",
        "duration": "60",
        "buffer": "0",
        "notice": "0",
        "room_id": "0",
        "emails": "",
    }
    query.update(fields)
    response = client.get("/meetings/find-a-time", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _typed(client, person_key: str, **extra) -> dict:
    """The meeting form's live check of 10:30–11:30 Changchun on 2030-12-11 with one person."""
    query = {
        "timezone": "Asia/Shanghai",
        "start_local": "2030-12-11T10:30",
        "end_local": "2030-12-11T11:30",
        "people": person_key,
        **extra,
    }
    response = client.get("/meetings/time-warnings", query_string=query)
    assert response.status_code == 200
    return response.get_json()


def _rows(html: str) -> list[tuple[str, list[str]]]:
    """Each suggested time: its clocks and the holds named beside it."""
    items = re.findall(r'<span class="slot-clocks">(.*?)</span></label>\s*<a ', html, re.S)
    rows = []
    for item in items:
        clocks = unescape(item.split("<span")[0].strip())
        holds = [unescape(h) for h in re.findall(r'class="badge[^"]*slot-hold">([^<]*)<', item)]
        rows.append((clocks, holds))
    return rows


def _other_meeting(app, make_meeting, person, **data):
    """A meeting of another organizer at the poll's second time, with *person* in it."""
    other = make_meeting(title_zh="经贸合作会商", start_dt=SECOND[0], end_dt=SECOND[1], **data)
    add_person(app, other.id, person)  # a hold never refuses: no reason asked for
    return other.id


def _warnings(client, meeting_id: int) -> list[str]:
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    box = re.search(r'id="time-warnings".*?<ul class="mb-0">(.*?)</ul>', page, re.S)
    return [unescape(t) for t in re.findall(r"<li>(.*?)</li>", box.group(1))] if box else []


def test_the_slot_finder_marks_the_held_times_and_only_those(client, draft, poll):
    assert _rows(_finder(client, draft)) == [
        ("Wed, Dec 11 9:00 AM Changchun time · 10:00 AM Seoul time", []),
        ("Wed, Dec 11 2:30 PM Changchun time · 3:30 PM Seoul time", []),
        ("Wed, Dec 11 10:00 AM Changchun time · 11:00 AM Seoul time", [HELD]),
        ("Wed, Dec 11 3:30 PM Changchun time · 4:30 PM Seoul time", []),
    ]


def test_the_slot_finder_holds_only_the_people_asked(client, draft, poll, make_user):
    stranger = make_user("coordinator", timezone="Asia/Shanghai")
    query = {"participants": [f"user:{stranger.id}"]}
    assert all(holds == [] for _clocks, holds in _rows(_finder(client, draft, **query)))


def test_another_meeting_is_warned_not_refused(app, client, draft, poll, make_meeting):
    li = meeting(draft).participants[1].user
    other = _other_meeting(app, make_meeting, li)
    assert HELD in _warnings(client, other)
    # The form's live check names it too; for the poll's own meeting its times never clash.
    assert _typed(client, f"user:{li.id}") == {"warnings": [HELD]}
    own = _typed(client, f"user:{li.id}", meeting=draft["meeting_id"])
    assert HELD not in own["warnings"]


def test_the_room_and_interpreters_of_the_polls_meeting_are_held(
    app, client, draft, poll, make_meeting, make_user
):
    room = Room(name_zh="第一会议室", name_ko="제1회의실")
    db.session.add(room)
    db.session.commit()
    interpreter = make_user("coordinator", timezone="Asia/Shanghai")
    room_id, interpreter_id = room.id, interpreter.id

    def staff_the_draft(m):
        services.update_meeting(m, {"room_id": room_id})
        who = db.session.get(type(interpreter), interpreter_id)
        services.add_participant(m, role="interpreter", user=who)

    in_request(app, draft["meeting_id"], staff_the_draft)
    in_room = make_meeting(start_dt=SECOND[0], end_dt=SECOND[1], room_id=room_id)
    assert _warnings(client, in_room.id) == [HELD]
    assert _typed(client, f"user:{interpreter_id}") == {"warnings": [HELD]}
    assert _typed(client, f"user:{make_user('coordinator').id}") == {"warnings": []}


def test_withdrawing_releases_the_holds(app, client, draft, poll, make_meeting):
    other = _other_meeting(app, make_meeting, meeting(draft).participants[1].user)
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/withdraw"
    assert client.post(url).status_code == 302
    assert _warnings(client, other) == []
    assert all(holds == [] for _clocks, holds in _rows(_finder(client, draft)))


def test_closing_releases_the_holds_of_the_other_times(app, client, draft, poll, make_meeting):
    other = _other_meeting(app, make_meeting, meeting(draft).participants[1].user)
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": poll.candidates[0].id}).status_code == 302
    assert the_poll(draft).status == "closed"
    assert _warnings(client, other) == []


def test_cancelling_the_meeting_withdraws_its_poll(app, client, draft, poll, make_meeting):
    other = _other_meeting(app, make_meeting, meeting(draft).participants[1].user)
    page = client.get(f"/meetings/{draft['meeting_id']}/cancel").get_data(as_text=True)
    assert "2 people will receive an e-mail:" in page  # the confirmation names the people asked
    assert draft["kim_email"] in page and draft["li_email"] in page
    data = {"reason": "韩方日程调整", "version": meeting(draft).version}
    response = client.post(f"/meetings/{draft['meeting_id']}/cancel", data=data)
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 people" in flashed
    assert (meeting(draft).status, the_poll(draft).status) == ("cancelled", "withdrawn")
    notes = outbox_rows("poll_withdrawn")
    assert sorted(n.recipient for n in notes) == sorted([draft["kim_email"], draft["li_email"]])
    assert _warnings(client, other) == []


def test_deleting_the_draft_withdraws_its_poll_first(app, client, draft, poll, make_meeting):
    other = _other_meeting(app, make_meeting, meeting(draft).participants[1].user)
    data = {"version": meeting(draft).version}
    response = client.post(f"/meetings/{draft['meeting_id']}/delete", data=data)
    assert response.status_code == 302
    assert db.session.get(Meeting, draft["meeting_id"]) is None and the_poll(draft) is None
    notes = outbox_rows("poll_withdrawn")
    assert sorted(n.recipient for n in notes) == sorted([draft["kim_email"], draft["li_email"]])
    assert _warnings(client, other) == []


def test_confirming_by_hand_withdraws_the_poll(app, client, draft, poll, make_meeting):
    """The time was set without the poll: the people asked are told it is withdrawn, and
    its holds go; closing the poll itself confirms without withdrawing (above)."""
    other = _other_meeting(app, make_meeting, meeting(draft).participants[1].user)
    data = {"version": meeting(draft).version}
    response = client.post(f"/meetings/{draft['meeting_id']}/confirm", data=data)
    assert response.status_code == 302
    assert (meeting(draft).status, the_poll(draft).status) == ("confirmed", "withdrawn")
    notes = outbox_rows("poll_withdrawn")
    assert sorted(n.recipient for n in notes) == sorted([draft["kim_email"], draft["li_email"]])
    assert outbox_rows("poll_closed") == []
    assert _warnings(client, other) == []
