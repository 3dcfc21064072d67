"""Answers racing through the answer links, with real commits on a database of their own (SQLite
queues the writers, PostgreSQL runs them in parallel): one person's two answers at once leave
one whole set of answers, the later one, and an audit entry for each real change; the same
answer sent many times at once is recorded (and audited) once; two people at once are both
recorded."""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from scheduler.extensions import db
from tests.api_support import run_together

START = datetime(2030, 12, 10, 6, 30, tzinfo=UTC)  # 14:30 in Changchun, a Tuesday


def _contact(given: str, email: str):
    """A Seoul contact who reads Korean."""
    from scheduler.contacts.services import create_contact
    from scheduler.partners.services import get_partner

    names = {
        "family_name_ko": "김",
        "given_name_ko": given,
        "family_name_zh": "金",
        "given_name_zh": "敏",
        "romanized_family": "Kim",
        "romanized_given": given,
    }
    contact = create_contact(
        get_partner("seoul"), {**names, "email": email, "language": "ko", "timezone": "Asia/Seoul"}
    )
    db.session.flush()
    return contact


def _poll(app) -> dict:
    """A draft meeting's open poll of three times asking two Seoul contacts; their links."""
    from scheduler.auth.services import create_user
    from scheduler.meetings.services import add_participant, create_meeting
    from scheduler.partners.services import get_partner
    from scheduler.polls.answers import poll_token
    from scheduler.polls.services import create_poll

    with app.test_request_context():
        organizer = create_user("organizer@example.org", "correct horse battery", "coordinator")
        data = {
            "kind": "video_link",
            "title_zh": "会谈",
            "title_ko": "회담",
            "start_dt": START,
            "end_dt": START + timedelta(hours=1),
            "timezone": "Asia/Shanghai",
        }
        meeting = create_meeting(organizer, data, [get_partner("seoul")])
        people = [
            add_participant(meeting, contact=_contact(given, email))
            for given, email in (("민수", "kim@seoul.example.kr"), ("서연", "lee@seoul.example.kr"))
        ]
        times = [(START + timedelta(days=d), START + timedelta(days=d, hours=1)) for d in range(3)]
        poll = create_poll(meeting, organizer, times, people, date(2030, 12, 5))
        db.session.commit()
        return {
            "candidates": [c.id for c in poll.candidates],
            "links": [f"/polls/{poll_token(i)}" for i in poll.invitees],
            "invitees": [i.id for i in poll.invitees],
        }


def _form(poll: dict, choice: str, comment: str) -> dict:
    return {**{f"choice-{c}": choice for c in poll["candidates"]}, "comment": comment}


def _post(link: str, data: dict):
    return lambda client: client.post(link, data=data).status_code


def _stored(app, invitee_id: int) -> tuple[list[str], str]:
    """The person's answers by candidate, and their comment, as committed."""
    from scheduler.polls.models import PollAnswer, PollInvitee

    with app.app_context():
        query = sa.select(PollAnswer.choice).where(PollAnswer.invitee_id == invitee_id)
        choices = db.session.scalars(query.order_by(PollAnswer.candidate_id)).all()
        return choices, db.session.get(PollInvitee, invitee_id).comment


def _audited(app) -> list[tuple[dict, dict]]:
    """The answers' audit entries in order: (before, after) of each."""
    from scheduler.audit.models import AuditEntry

    with app.app_context():
        query = sa.select(AuditEntry).where(AuditEntry.action == "poll_answer")
        return [tuple(e.changes["answers"]) for e in db.session.scalars(query.order_by("id"))]


def _by_candidate(poll: dict, choice: str) -> dict:
    return {str(c): choice for c in poll["candidates"]}


def test_two_answers_of_one_person_at_once_leave_one_whole_set(race_app):
    poll = _poll(race_app)
    link, kim = poll["links"][0], poll["invitees"][0]
    yes, no = _form(poll, "yes", "좋습니다"), _form(poll, "no", "어렵습니다")
    statuses = run_together(race_app, [_post(link, yes), _post(link, no)])
    assert statuses == [302, 302]
    choices, comment = _stored(race_app, kim)
    assert (choices, comment) in ((["yes"] * 3, "좋습니다"), (["no"] * 3, "어렵습니다"))
    first, last = _audited(race_app)
    assert first[0] == {} and first[1] == last[0] != last[1]  # the later one saw the first
    assert last[1] == _by_candidate(poll, choices[0])  # and won, whole


def test_the_same_answer_sent_at_once_is_recorded_and_audited_once(race_app):
    poll = _poll(race_app)
    link, kim = poll["links"][0], poll["invitees"][0]
    statuses = run_together(race_app, [_post(link, _form(poll, "if_need_be", "오후"))] * 4)
    assert statuses == [302] * 4
    assert _stored(race_app, kim) == (["if_need_be"] * 3, "오후")
    assert _audited(race_app) == [({}, _by_candidate(poll, "if_need_be"))]


def test_two_people_answering_at_once_are_both_recorded(race_app):
    poll = _poll(race_app)
    kim_link, lee_link = poll["links"]
    calls = [_post(kim_link, _form(poll, "yes", "")), _post(lee_link, _form(poll, "no", "불가"))]
    assert run_together(race_app, calls) == [302, 302]
    assert _stored(race_app, poll["invitees"][0]) == (["yes"] * 3, "")
    assert _stored(race_app, poll["invitees"][1]) == (["no"] * 3, "불가")
    assert sorted(after[str(poll["candidates"][0])] for _b, after in _audited(race_app)) == [
        "no",
        "yes",
    ]
