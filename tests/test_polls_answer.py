"""The people asked: the mail in their language with the times on their clock, the answer
page (GET changes nothing, POST records and can change), tampered and foreign links."""

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.polls.models import PollAnswer
from scheduler.polls.tokens import seal
from tests.conftest import count
from tests.invites_support import decoded_header, outbox_rows
from tests.polls_support import answer_path, invitee_of, plain_text, propose, the_poll

BASE = "http://127.0.0.1:5000"


@pytest.fixture
def poll(client, auth, draft):
    auth.login()
    assert propose(client, draft).status_code == 302
    auth.logout()
    return the_poll(draft)


def _mail_to(address: str):
    [row] = [m for m in outbox_rows("poll_request") if m.recipient == address]
    return row


def test_korean_mail_lists_the_times_on_the_seoul_clock_first(app, draft, poll):
    mail = _mail_to(draft["kim_email"])
    assert decoded_header(mail.raw, "Subject") == "회의 일정 조율 요청: 한중 화상회의"
    text = plain_text(mail.raw)
    link = BASE + answer_path(app, invitee_of(poll, draft["kim"]))
    assert text == (
        "김민수 과장님께\n\n"
        "안녕하십니까. 중한(창춘)국제협력시범구 외사판공실입니다.\n"
        "아래 회의의 일시를 정하고자 후보 시간을 안내해 드립니다. "
        "참석 가능한 시간을 알려 주시기 바랍니다.\n\n"
        "회의: 한중 화상회의\n"
        "1. 12월 10일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)\n"
        "2. 12월 11일(수) 11:00~12:00(한국 시간) / 10:00~11:00(중국 시간)\n"
        "3. 12월 12일(목) 16:00~17:00(한국 시간) / 15:00~16:00(중국 시간)\n\n"
        f"12월 5일(목)까지 아래 링크로 회신해 주시기 바랍니다: {link}\n"
        "담당: 왕팡\n\n"
        "감사합니다.\n"
        "중한(창춘)국제협력시범구 외사판공실 드림\n"
    )


def test_chinese_mail_lists_the_times_on_the_beijing_clock_first(app, draft, poll):
    text = plain_text(_mail_to(draft["li_email"]).raw)
    assert "1. 12月10日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）\n" in text
    assert "请于12月5日（周四）前通过以下链接回复：" + BASE in text


def test_get_shows_the_times_in_korean_and_changes_nothing(app, client, draft, poll):
    response = client.get(answer_path(app, invitee_of(poll, draft["kim"])))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ko">' in page
    assert "1. 12월 10일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in page
    assert page.count('type="radio"') == 9
    assert ">조정 가능</label>" in page
    assert 'name="viewport" content="width=device-width' in page  # readable on a phone
    assert count(PollAnswer) == 0 and the_poll(draft).invitees[0].answered_at is None


def _answers(poll, choices):
    return {f"choice-{c.id}": value for c, value in zip(poll.candidates, choices, strict=True)}


def test_post_records_and_a_second_post_changes_the_answer(app, client, draft, poll):
    kim = invitee_of(poll, draft["kim"])
    path = answer_path(app, kim)
    data = {**_answers(poll, ["yes", "if_need_be", "no"]), "comment": "  오후가 좋습니다. "}
    response = client.post(path, data=data)
    assert (response.status_code, response.headers["Location"]) == (302, path)
    kim = invitee_of(the_poll(draft), draft["kim"])
    assert [kim.choice_for(c) for c in poll.candidates] == ["yes", "if_need_be", "no"]
    assert kim.comment == "오후가 좋습니다."
    assert "회신이 기록되었습니다" in client.get(path).get_data(as_text=True)
    client.post(path, data={**_answers(poll, ["no", "yes", "yes"]), "comment": ""})
    kim = invitee_of(the_poll(draft), draft["kim"])
    assert [kim.choice_for(c) for c in poll.candidates] == ["no", "yes", "yes"]
    assert count(PollAnswer) == 3
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "poll_answer").order_by(AuditEntry.id)
    ).all()
    assert [e.changes["answers"][1] for e in entries] == [
        dict(zip([str(c.id) for c in poll.candidates], ["yes", "if_need_be", "no"], strict=True)),
        dict(zip([str(c.id) for c in poll.candidates], ["no", "yes", "yes"], strict=True)),
    ]


def test_none_of_these_work_answers_no_with_a_proposal(app, client, draft, poll):
    path = answer_path(app, invitee_of(poll, draft["li"]))
    data = {"none_work": "y", "proposal": "下周一上午"}
    assert client.post(path, data=data).status_code == 302
    li = invitee_of(the_poll(draft), draft["li"])
    assert (li.none_work, li.proposal) == (True, "下周一上午")
    assert [li.choice_for(c) for c in poll.candidates] == ["no", "no", "no"]


@pytest.mark.parametrize(
    "choices", [["yes", "yes", ""], ["yes", "yes", "maybe"]], ids=["missing", "unknown"]
)
def test_incomplete_or_unknown_answers_are_refused(app, client, draft, poll, choices):
    path = answer_path(app, invitee_of(poll, draft["kim"]))
    response = client.post(path, data=_answers(poll, choices))
    assert response.status_code == 400
    assert "모든 후보 시간에 대해 회신해 주시기 바랍니다." in response.get_data(as_text=True)
    assert count(PollAnswer) == 0


def test_a_too_long_comment_is_refused(app, client, draft, poll):
    path = answer_path(app, invitee_of(poll, draft["kim"]))
    response = client.post(path, data={**_answers(poll, ["yes"] * 3), "comment": "가" * 2001})
    assert response.status_code == 400
    assert count(PollAnswer) == 0


def test_tampered_and_foreign_links_get_a_translated_page(app, client, draft, poll):
    kim = invitee_of(poll, draft["kim"])
    path = answer_path(app, kim)
    tampered = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    response = client.get(tampered, headers={"Accept-Language": "ko"})
    assert response.status_code == 400
    assert "유효하지 않은 회신 링크입니다." in response.get_data(as_text=True)
    with app.test_request_context():
        foreign = f"/polls/{seal(kim.id, poll.id + 1)}"
    assert client.get(foreign).status_code == 404
    assert client.post(foreign, data=_answers(poll, ["yes"] * 3)).status_code == 404
    assert client.post(tampered, data=_answers(poll, ["yes"] * 3)).status_code == 400
    assert count(PollAnswer) == 0


def test_an_rsvp_token_is_not_a_poll_token(app, client, draft, poll):
    from scheduler.invites.rsvp.tokens import seal as rsvp_seal

    with app.test_request_context():
        token = rsvp_seal(invitee_of(poll, draft["kim"]).id, poll.id, 0)
    assert client.get(f"/polls/{token}").status_code == 400


def test_answers_need_the_csrf_token(app, client, draft, poll, csrf_app):
    path = answer_path(app, invitee_of(poll, draft["kim"]))
    assert client.post(path, data=_answers(poll, ["yes"] * 3)).status_code == 400
    assert count(PollAnswer) == 0
