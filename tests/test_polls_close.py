"""The staff grid and ranking; closing on a time books and confirms the meeting (invitations
in the outbox), withdrawing calls the poll off; refused closings change nothing."""

import re

import pytest

from tests.invites_support import outbox_rows
from tests.polls_support import answer_path, book_room_at, invitee_of, meeting, propose, the_poll


@pytest.fixture
def poll(client, auth, draft):
    auth.login(locale="en")
    assert propose(client, draft).status_code == 302
    return the_poll(draft)


def _answer(client, app, poll, participant_id, choices, **extra):
    path = answer_path(app, invitee_of(poll, participant_id))
    data = {f"choice-{c.id}": v for c, v in zip(poll.candidates, choices, strict=True)}
    assert client.post(path, data={**data, **extra}).status_code == 302


def _close(client, draft, poll, candidate, **extra):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    return client.post(url, data={"candidate": candidate.id, **extra})


def _column(page: str, candidate) -> str:
    return re.search(rf'id="poll-candidate-{candidate.id}">(.*?)</th>', page, re.S).group(1)


def test_grid_ranks_everyone_yes_first_then_fewest_if_need_be(app, client, draft, poll):
    first, second, third = poll.candidates
    _answer(client, app, poll, draft["kim"], ["if_need_be", "yes", "no"], comment="오후 선호")
    _answer(client, app, poll, draft["li"], ["yes", "yes", "yes"])
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    assert "Rank 1 · No objections" in _column(page, second)
    assert "Rank 2</div>" in _column(page, first)
    assert "Rank 3</div>" in _column(page, third)
    kim_row = re.search(
        rf'id="poll-row-{invitee_of(poll, draft["kim"]).id}">(.*?)</tr>', page, re.S
    )
    cells = re.findall(r"<td>(.*?)</td>", kim_row.group(1), re.S)
    assert cells == ["If need be", "Yes", "No", "오후 선호"]
    assert 'id="poll-waiting"' not in page


def test_grid_names_who_has_not_answered(app, client, draft, poll):
    _answer(client, app, poll, draft["li"], ["yes", "no", "yes"])
    page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    assert '<p id="poll-waiting">Not answered yet: Min-su KIM</p>' in page


def test_closing_books_the_time_confirms_and_sends_invitations(app, client, auth, draft, poll):
    chosen = poll.candidates[1]
    response = _close(client, draft, poll, chosen)
    assert response.status_code == 302
    booked = meeting(draft)
    assert (booked.start_dt, booked.end_dt) == (chosen.start_dt, chosen.end_dt)
    assert booked.status == "confirmed"
    closed = the_poll(draft)
    assert (closed.status, closed.chosen_candidate_id) == ("closed", chosen.id)
    invited = sorted(m.recipient for m in outbox_rows("invite_request"))
    assert invited == sorted([draft["kim_email"], draft["li_email"]])
    auth.logout()  # the page speaks the reader's language, not the signed-in staff member's
    page = client.get(answer_path(app, invitee_of(closed, draft["kim"]))).get_data(as_text=True)
    assert (
        "회의 일시가 확정되었습니다: 12월 11일(수) 11:00~12:00(한국 시간) / "
        "10:00~11:00(중국 시간). 초청 메일을 별도로 보내 드리겠습니다." in page
    )
    assert 'type="submit"' not in page.split('id="poll-answer"')[1]


def test_a_closed_poll_takes_no_answers_and_cannot_close_again(app, client, auth, draft, poll):
    assert _close(client, draft, poll, poll.candidates[0]).status_code == 302
    auth.logout()
    path = answer_path(app, invitee_of(poll, draft["kim"]))
    data = {f"choice-{c.id}": "yes" for c in poll.candidates}
    response = client.post(path, data=data)
    assert response.status_code == 409
    assert "이번 일정 조율은 마감되어 더 이상 회신을 받지 않습니다." in response.get_data(
        as_text=True
    )
    assert invitee_of(the_poll(draft), draft["kim"]).answered_at is None
    auth.login()
    again = _close(client, draft, poll, poll.candidates[1])
    assert again.status_code == 409
    assert meeting(draft).start_dt == poll.candidates[0].start_dt


def test_closing_on_a_time_with_a_booked_room_is_refused_with_the_reason(
    app, client, draft, poll, make_meeting
):
    chosen = poll.candidates[0]
    book_room_at(draft, chosen, make_meeting)
    response = _close(client, draft, poll, chosen)
    assert response.status_code == 409
    assert "The room 第一会议室 is already booked at this time." in response.get_data(as_text=True)
    assert (meeting(draft).status, the_poll(draft).status) == ("draft", "open")
    assert outbox_rows("invite_request") == []


def test_a_candidate_of_another_poll_is_refused(client, draft, poll):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/close"
    assert client.post(url, data={"candidate": 999999}).status_code == 404
    assert client.post(url, data={}).status_code == 303
    assert client.post(f"/meetings/999/polls/{poll.id}/close", data={}).status_code == 404
    assert the_poll(draft).status == "open"


def test_withdrawing_closes_without_a_time(app, client, auth, draft, poll):
    url = f"/meetings/{draft['meeting_id']}/polls/{poll.id}/withdraw"
    assert client.post(url).status_code == 302
    withdrawn = the_poll(draft)
    assert (withdrawn.status, withdrawn.chosen_candidate_id) == ("withdrawn", None)
    assert meeting(draft).status == "draft"
    page = client.get(answer_path(app, invitee_of(withdrawn, draft["kim"]))).get_data(as_text=True)
    assert "This time poll has been withdrawn. No answer is needed." in page
    staff_page = client.get(f"/meetings/{draft['meeting_id']}").get_data(as_text=True)
    assert 'id="action-propose-times"' in staff_page  # a new poll can be proposed
    assert client.post(url).status_code == 409
