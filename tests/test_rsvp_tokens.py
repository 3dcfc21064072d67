"""RSVP tokens: opaque (no readable ids), stable per meeting version, old-format links still
answered until their meeting ends, ended meetings 410, tampered or foreign tokens 400."""

import base64
import json
import re
import struct
from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeSerializer

from scheduler.extensions import db
from scheduler.invites.rsvp.services import rsvp_token
from scheduler.invites.rsvp.tokens import seal
from scheduler.meetings import services
from scheduler.meetings.models import Participant
from tests.invites_support import add_person, in_request

ENGLISH = {"Accept-Language": "en"}
PAST = {
    "start_dt": datetime(2021, 3, 1, 1, 0, tzinfo=UTC),
    "end_dt": datetime(2021, 3, 1, 2, 0, tzinfo=UTC),
}


def _token(app, participant_id: int) -> str:
    with app.test_request_context():
        return rsvp_token(db.session.get(Participant, participant_id))


def _legacy(app, participant_id: int, meeting_id: int, sequence: int = 1) -> str:
    """A link as earlier versions mailed it: signed base64 JSON of the ids."""
    serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt="rsvp-answer")
    return serializer.dumps({"p": participant_id, "m": meeting_id, "s": sequence})


def _unpadded_b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _id_encodings(number: int) -> list[bytes]:
    return [struct.pack(f"{order}{size}", number) for order in "<>" for size in "HIQ"]


def test_the_token_shows_no_id(app, invited):
    participant_id, meeting_id = invited["kim"], invited["meeting"].id
    token = _token(app, participant_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{48}", token)
    raw = _unpadded_b64(token)
    assert len(raw) == 36
    with pytest.raises(ValueError):  # neither UTF-8 JSON nor any text
        json.loads(raw.decode("utf-8"))
    for number in (participant_id, meeting_id):
        assert not any(encoded in raw for encoded in _id_encodings(number))
        assert f'"{number}"' not in token and f":{number}," not in raw.decode("latin-1")
    # What the old format showed to anyone holding the link:
    old = _legacy(app, participant_id, meeting_id)
    assert json.loads(_unpadded_b64(old.split(".")[0])) == {
        "p": participant_id, "m": meeting_id, "s": 1
    }  # fmt: skip


def test_tokens_are_stable_per_version_and_unrelated_between_people(app, invited):
    kim, staff = _token(app, invited["kim"]), _token(app, invited["staff"])
    assert _token(app, invited["kim"]) == kim  # the mail's link and the page's form agree
    assert kim[:8] != staff[:8] and kim[-8:] != staff[-8:]
    moved = (datetime(2030, 12, 4, 6, 30, tzinfo=UTC), datetime(2030, 12, 4, 8, 0, tzinfo=UTC))
    in_request(app, invited["meeting"].id, lambda m: services.reschedule(m, *moved))
    assert _token(app, invited["kim"]) != kim


def test_an_old_format_link_still_takes_an_answer(app, client, invited):
    path = f"/rsvp/{_legacy(app, invited['kim'], invited['meeting'].id)}"
    page = client.get(path + "?answer=accepted", headers=ENGLISH)
    assert page.status_code == 200
    assert "한중 화상회의" in page.get_data(as_text=True)
    answered = client.post(path, data={"answer": "accepted"})
    assert answered.status_code == 302
    assert answered.location == f"/rsvp/{_token(app, invited['kim'])}"  # the new format
    participant = db.session.get(Participant, invited["kim"])
    assert (participant.rsvp_status, participant.rsvp_sequence) == ("accepted", 1)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This meeting is over, so its answer link no longer works."),
        ("zh", "该会议已结束，回复链接已失效。"),
        ("ko", "회의가 종료되어 회신 링크를 더 이상 사용할 수 없습니다."),
    ],
)
def test_an_ended_meetings_links_are_gone(app, client, invited, make_meeting, language, message):
    past = make_meeting(**PAST)
    late = add_person(app, past.id, db.session.get(Participant, invited["kim"]).contact)
    for token in (_token(app, late), _legacy(app, late, past.id)):
        for method in ("get", "post"):
            response = getattr(client, method)(
                f"/rsvp/{token}", data={"answer": "accepted"}, headers={"Accept-Language": language}
            )
            assert response.status_code == 410
            assert message in response.get_data(as_text=True)
    assert db.session.get(Participant, late).rsvp_status == "needs_action"


def _flip(token: str, at: int) -> str:
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


def test_altered_or_foreign_tokens_are_refused(app, client, invited):
    token = _token(app, invited["kim"])
    foreign = app.test_client()
    cases = [
        _flip(token, 0),
        _flip(token, 24),
        _flip(token, 47),
        token[:-1],
        token + "A",
        token[:20] + "!" + token[21:],
        token[:47] + "=",
        "A" * 48,
        "",
    ]
    for bad in cases:
        for method in ("get", "post"):
            response = getattr(foreign, method)(
                f"/rsvp/{bad}", data={"answer": "accepted"}, headers=ENGLISH
            )
            if bad == "":
                assert response.status_code == 404
                continue
            assert response.status_code == 400, bad
            assert "This answer link is not valid." in response.get_data(as_text=True)
    assert db.session.get(Participant, invited["kim"]).rsvp_status == "needs_action"


def test_a_token_made_with_another_secret_key_is_refused(app, client, invited):
    meeting_id = invited["meeting"].id
    app.config["SECRET_KEY"], kept = (
        "another secret key of enough length!!",
        app.config["SECRET_KEY"],
    )
    try:
        with app.test_request_context():
            forged = seal(invited["kim"], meeting_id, 1)
    finally:
        app.config["SECRET_KEY"] = kept
    response = client.get(f"/rsvp/{forged}", headers=ENGLISH)
    assert response.status_code == 400
    assert "This answer link is not valid." in response.get_data(as_text=True)
