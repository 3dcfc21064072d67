"""RSVP links: GET shows, POST records (audited, organizer told); bad links change nothing."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from scheduler.audit.models import AuditEntry
from scheduler.extensions import db
from scheduler.invites.rsvp.services import rsvp_url
from scheduler.meetings import services
from scheduler.meetings.models import Participant
from tests.conftest import count
from tests.invites_support import add_person, in_request, outbox_rows

BASE = "http://127.0.0.1:5000"
KOREAN_CLOCK = "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"


def _link(app, participant_id: int, answer: str = "accepted") -> str:
    with app.test_request_context():
        url = rsvp_url(db.session.get(Participant, participant_id), answer)
    assert url.startswith(BASE + "/rsvp/")
    return url.removeprefix(BASE)


def _participant(participant_id: int) -> Participant:
    db.session.expire_all()
    return db.session.get(Participant, participant_id)


def _nothing_recorded(participant_id: int) -> None:
    participant = _participant(participant_id)
    assert (participant.rsvp_status, participant.rsvp_at, participant.rsvp_sequence) == (
        "needs_action", None, None,
    )  # fmt: skip
    assert count(AuditEntry, AuditEntry.action == "rsvp") == 0
    assert outbox_rows("rsvp_answer") == []


def test_link_is_absolute_and_refuses_unknown_answers(app, invited):
    path = _link(app, invited["kim"], "tentative")
    assert re.fullmatch(r"/rsvp/[\w.-]+\?answer=tentative", path)
    with app.test_request_context(), pytest.raises(ValueError):
        rsvp_url(db.session.get(Participant, invited["kim"]), "maybe")


def test_get_shows_the_meeting_in_the_recipients_language_and_changes_nothing(app, client, invited):
    response = client.get(_link(app, invited["kim"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ko">' in page
    assert "한중 화상회의" in page
    assert f'<p class="lead mb-2" id="rsvp-time">{KOREAN_CLOCK}</p>' in page
    assert 'value="accepted"\n          class="btn btn-primary me-2"' in page
    _nothing_recorded(invited["kim"])


def test_post_records_audits_and_tells_the_organizer(app, client, invited):
    path = _link(app, invited["kim"]).split("?")[0]
    response = client.post(path, data={"answer": "accepted"})
    assert (response.status_code, response.headers["Location"]) == (302, path)
    participant = _participant(invited["kim"])
    assert (participant.rsvp_status, participant.rsvp_sequence) == ("accepted", 1)
    assert participant.rsvp_at is not None
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "rsvp"))
    assert (entry.object_type, entry.object_id, entry.user_id) == (
        "meetings",
        invited["meeting"].id,
        None,
    )
    assert entry.changes == {"participant": "김민수", "rsvp_status": ["needs_action", "accepted"],
                             "sequence": 1}  # fmt: skip
    [mail] = outbox_rows("rsvp_answer")
    assert mail.recipient == invited["organizer"].email
    # The organizer reads Korean: the contact's Korean name and the Korean title.
    assert mail.subject == "김민수 님이 “한중 화상회의” 초청에 참석으로 회신했습니다."
    page = client.get(path).get_data(as_text=True)
    assert "감사합니다. 회신이 등록되었습니다: 참석" in page
    assert '<dd class="col-sm-9" id="rsvp-current">참석</dd>' in page


def test_the_same_answer_twice_is_recorded_once(app, client, invited):
    path = _link(app, invited["kim"]).split("?")[0]
    client.post(path, data={"answer": "declined"})
    client.post(path, data={"answer": "declined"})
    assert count(AuditEntry, AuditEntry.action == "rsvp") == 1
    assert len(outbox_rows("rsvp_answer")) == 1
    client.post(path, data={"answer": "tentative"})
    assert _participant(invited["kim"]).rsvp_status == "tentative"
    assert len(outbox_rows("rsvp_answer")) == 2


def test_meeting_page_shows_a_badge_per_participant(app, client, auth, invited):
    client.post(_link(app, invited["staff"]).split("?")[0], data={"answer": "declined"})
    auth.login("viewer", locale="en")
    page = client.get(f"/meetings/{invited['meeting'].id}").get_data(as_text=True)
    assert (f'<span class="badge text-bg-danger rsvp-badge" id="rsvp-{invited["staff"]}">'
            "Declined</span>") in page  # fmt: skip
    assert (f'<span class="badge text-bg-secondary rsvp-badge" id="rsvp-{invited["kim"]}">'
            "No answer yet</span>") in page  # fmt: skip


def test_a_link_from_an_older_version_shows_the_current_one(app, client, invited):
    old = _link(app, invited["kim"])
    moved = (datetime(2030, 12, 4, 6, 30, tzinfo=UTC), datetime(2030, 12, 4, 8, 0, tzinfo=UTC))
    in_request(app, invited["meeting"].id, lambda m: services.reschedule(m, *moved))
    response = client.get(old)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="rsvp-changed"' in page
    assert "12월 4일(수) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)" in page
    fresh = re.search(r'<form method="post" action="([^"]+)" id="rsvp-form">', page)[1]
    assert fresh != old.split("?")[0]
    stale = client.post(old.split("?")[0], data={"answer": "accepted"})
    assert stale.status_code == 409 and 'id="rsvp-changed"' in stale.get_data(as_text=True)
    _nothing_recorded(invited["kim"])
    assert client.post(fresh, data={"answer": "accepted"}).status_code == 302
    assert _participant(invited["kim"]).rsvp_sequence == 2


def _forged(app, payload, key=None, salt="rsvp-answer") -> str:
    return "/rsvp/" + URLSafeSerializer(key or app.config["SECRET_KEY"], salt=salt).dumps(payload)


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_foreign_and_expired_links_change_nothing(app, client, invited, make_meeting,
                                                           method):  # fmt: skip
    path = _link(app, invited["kim"]).split("?")[0]
    other = make_meeting(title_zh="另一个会议")
    past = make_meeting(start_dt=datetime(2021, 3, 1, 1, 0, tzinfo=UTC),
                        end_dt=datetime(2021, 3, 1, 2, 0, tzinfo=UTC))  # fmt: skip
    late = add_person(app, past.id, _participant(invited["kim"]).contact)
    kim = invited["kim"]
    cases = [
        (path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"), 400, "is not valid"),
        ("/rsvp/not-a-token", 400, "is not valid"),
        (_forged(app, {"p": kim, "m": invited["meeting"].id, "s": 1}, key="another-key"), 400,
         "is not valid"),
        (_forged(app, {"p": kim, "m": invited["meeting"].id, "s": 1}, salt="feed"), 400,
         "is not valid"),
        (_forged(app, {"p": kim, "m": other.id, "s": 1}), 404, "does not belong"),
        (_forged(app, {"p": 999999, "m": invited["meeting"].id, "s": 1}), 404, "does not belong"),
        (_link(app, late).split("?")[0], 410, "no longer works"),
    ]  # fmt: skip
    for url, status, words in cases:
        response = getattr(client, method)(url, data={"answer": "accepted"},
                                            headers={"Accept-Language": "en"})  # fmt: skip
        assert (response.status_code, words in response.get_data(as_text=True)) == (status, True), (
            url
        )
    _nothing_recorded(kim)
    assert _participant(late).rsvp_status == "needs_action"


def test_an_unknown_answer_changes_nothing(app, client, invited):
    path = _link(app, invited["kim"]).split("?")[0]
    for data in ({"answer": "maybe"}, {}):
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert "회신 항목 중 하나를 선택해 주십시오." in response.get_data(as_text=True)
    _nothing_recorded(invited["kim"])


def test_a_cancelled_meeting_takes_no_answers(app, client, invited):
    path = _link(app, invited["kim"])
    in_request(app, invited["meeting"].id, lambda m: services.cancel(m, "台风"))
    page = client.get(path).get_data(as_text=True)
    assert 'id="rsvp-cancelled"' in page and 'id="rsvp-form"' not in page
    # The cancellation bumped the sequence: fetch a current link, it is refused all the same.
    response = client.post(_link(app, invited["kim"]).split("?")[0], data={"answer": "accepted"})
    assert response.status_code == 409
    _nothing_recorded(invited["kim"])


def test_csrf_token_is_required_and_set_by_the_page(app, csrf_app, client, invited):
    path = _link(app, invited["kim"])
    refused = client.post(path.split("?")[0], data={"answer": "accepted"})
    assert refused.status_code == 400
    _nothing_recorded(invited["kim"])
    page = client.get(path).get_data(as_text=True)
    form = re.search(
        r'id="rsvp-form">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(path.split("?")[0], data={"answer": "accepted", "csrf_token": form[1]})
    assert response.status_code == 302
    assert _participant(invited["kim"]).rsvp_status == "accepted"
