"""Helpers for the poll tests: a draft meeting with people to ask, the proposal form's data,
the poll's answer links."""

from email import message_from_bytes, policy

import pytest

from scheduler.extensions import db
from scheduler.meetings.models import Meeting, Room
from scheduler.polls.answers import poll_token
from scheduler.polls.models import Poll
from tests.invites_support import add_person

# Tuesday to Thursday in the week after the draft's date, on the Changchun clock.
TIMES = (
    ("2030-12-10T14:30", "2030-12-10T16:00"),
    ("2030-12-11T10:00", "2030-12-11T11:00"),
    ("2030-12-12T15:00", "2030-12-12T16:00"),
)


@pytest.fixture
def draft(app, db, make_meeting, make_contact, make_user):
    """A draft video link organized by 王芳 (reads Chinese): a Korean contact (Seoul), a
    Chinese colleague (Changchun) and a contact without e-mail take part."""
    organizer = make_user("coordinator", locale="zh", name_zh="王芳", name_ko="왕팡")
    meeting = make_meeting(organizer=organizer)
    kim = make_contact("seoul", language="ko", timezone="Asia/Seoul", title_ko="과장")
    li = make_user("coordinator", locale="zh", name_zh="李明", timezone="Asia/Shanghai")
    silent = make_contact("seoul", email=None, given_name_ko="영희", given_name_zh="英姬")
    ids = {name: add_person(app, meeting.id, person) for name, person in
           (("kim", kim), ("li", li), ("silent", silent))}  # fmt: skip
    return {"meeting_id": meeting.id, "organizer": organizer, "kim_email": kim.email,
            "li_email": li.email, **ids}  # fmt: skip


def form_data(draft, times=TIMES, people=("kim", "li"), closes_on="2030-12-05", action="send"):
    """The proposal form as a browser posts it."""
    data = {"closes_on": closes_on, "action": action, "people": [draft[p] for p in people]}
    for index, (start, end) in enumerate(times):
        data[f"starts-{index}"], data[f"ends-{index}"] = start, end
    return data


def propose(client, draft, **changes):
    """Post the proposal form; the response."""
    url = f"/meetings/{draft['meeting_id']}/poll/new"
    return client.post(url, data=form_data(draft, **changes))


def the_poll(draft) -> Poll | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Poll).where(Poll.meeting_id == draft["meeting_id"]))


def answer_path(app, invitee) -> str:
    with app.test_request_context():
        return f"/polls/{poll_token(invitee)}"


def invitee_of(poll: Poll, participant_id: int):
    return next(i for i in poll.invitees if i.participant_id == participant_id)


def meeting(draft) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, draft["meeting_id"])


def plain_text(raw: bytes) -> str:
    """The text/plain part of a queued message."""
    message = message_from_bytes(raw, policy=policy.default)
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def chinese_poll(client, auth, draft) -> Poll:
    """The draft's poll, proposed by a coordinator who reads Chinese on the Changchun clock
    (still signed in)."""
    auth.login(locale="zh", timezone="Asia/Shanghai")
    assert propose(client, draft).status_code == 302
    return the_poll(draft)


def answer(client, app, poll: Poll, participant_id: int, choices) -> None:
    """Post one person's answers (one per candidate, in time order) through their link."""
    path = answer_path(app, invitee_of(poll, participant_id))
    data = {f"choice-{c.id}": v for c, v in zip(poll.candidates, choices, strict=True)}
    assert client.post(path, data=data).status_code == 302


def book_room_at(draft, candidate, make_meeting) -> None:
    """Give the draft a room that another meeting already holds at *candidate*'s time."""
    room = Room(name_zh="第一会议室", name_ko="제1회의실")
    db.session.add(room)
    db.session.commit()
    make_meeting(start_dt=candidate.start_dt, end_dt=candidate.end_dt, room_id=room.id)
    meeting(draft).room_id = room.id
    db.session.commit()
