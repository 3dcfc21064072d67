"""Idempotency-Key on the POSTs that create: a retry replays the first answer and creates
nothing; another body with the same key is refused (422); keys expire after 24 hours; two
requests racing with one key create one meeting (real threads, real commits)."""

from datetime import timedelta

import sqlalchemy as sa

from scheduler.api.idempotency.models import IdempotencyKey
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds.models import Feed
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.series.models import MeetingSeries
from tests.api_support import run_together, write_token
from tests.conftest import count

PROBLEM = "https://cnkr-scheduler.invalid/problems/"
BODY = {
    "kind": "video_link",
    "title": {"zh": "中韩视频连线", "ko": "한중 화상회의"},
    "partners": ["seoul"],
    "start": "2030-12-03T14:30:00+08:00",
    "end": "2030-12-03T16:00:00+08:00",
}


def _post(client, headers, key, body=BODY, path="/api/v1/meetings"):
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def test_a_retry_replays_the_first_answer_and_creates_nothing(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write")
    first = _post(client, headers, "key-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post(client, headers, "key-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    for name in ("Location", "ETag", "Content-Type"):
        assert again.headers[name] == first.headers[name]
    assert count(Meeting) == 1
    other = _post(client, headers, "key-2")
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    assert count(Meeting) == 2


def test_the_same_key_with_another_request_is_refused(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write", lang="ko")
    first = _post(client, headers, "key-1")
    changed = _post(client, headers, "key-1", {**BODY, "platform": "Zoom"})
    assert changed.status_code == 422 and changed.mimetype == "application/problem+json"
    assert changed.json["type"] == PROBLEM + "idempotency-key-reused"
    assert "Idempotency-Key" in changed.json["detail"] and "다른 요청" in changed.json["detail"]
    path = f"/api/v1/meetings/{first.json['id']}/participants"
    elsewhere = _post(client, headers, "key-1", {"kind": "contact", "id": 1}, path)
    assert elsewhere.status_code == 422
    assert count(Meeting) == 1 and count(Participant) == 0


def test_keys_belong_to_their_token_and_expire(client, db, api_token):
    user, headers = api_token("coordinator", scope="write")
    _same_user, second = api_token("coordinator", scope="write", user=user)
    assert _post(client, headers, "shared").status_code == 201
    assert "Idempotent-Replayed" not in _post(client, second, "shared").headers
    assert count(Meeting) == 2
    db.session.execute(sa.update(IdempotencyKey).values(created_at=now_utc() - timedelta(hours=25)))
    db.session.commit()
    fresh = _post(client, headers, "shared")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert count(Meeting) == 3
    assert count(IdempotencyKey) == 2  # the expired ones went, the new one stays


def test_a_refused_request_keeps_no_key_and_bad_keys_are_refused(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write")
    refused = _post(client, headers, "key-1", {**BODY, "timezone": "Mars/Olympus"})
    assert refused.status_code == 422 and count(IdempotencyKey) == 0
    assert _post(client, headers, "key-1").status_code == 201
    for bad in ("x" * 256, ""):
        answer = _post(client, headers, bad)
        assert answer.status_code == 400 and answer.json["errors"][0]["name"] == "Idempotency-Key"
    assert count(Meeting) == 1


def test_adding_a_participant_is_idempotent(client, db, api_token, make_meeting, make_contact):
    _user, headers = api_token("coordinator", scope="write")
    meeting, kim = make_meeting(), make_contact()
    path = f"/api/v1/meetings/{meeting.id}/participants"
    first = _post(client, headers, "add-kim", {"kind": "contact", "id": kim.id}, path)
    again = _post(client, headers, "add-kim", {"kind": "contact", "id": kim.id}, path)
    assert (first.status_code, again.status_code) == (201, 201) and again.data == first.data
    unkeyed = client.post(path, json={"kind": "contact", "id": kim.id}, headers=headers)
    assert unkeyed.status_code == 409
    assert count(Participant, Participant.meeting_id == meeting.id) == 1


SERIES = {**BODY, "rule": {"freq": "weekly", "weekdays": ["TU"], "count": 3}}
CONTACT = {"partner": "busan", "family_name_ko": "박", "given_name_ko": "지영"}


def _replayed(client, headers, path, body, other_body):
    """Send *body* twice and *other_body* once with one key: the first answer, its replay
    (same bytes and headers), and the refusal of the other body."""
    first = _post(client, headers, "same", body, path)
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    again = _post(client, headers, "same", body, path)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    for name in ("Location", "ETag", "Content-Type", "Cache-Control"):
        assert again.headers.get(name) == first.headers.get(name), name
    other = _post(client, headers, "same", other_body, path)
    assert other.status_code == 422 and other.json["type"] == PROBLEM + "idempotency-key-reused"
    return first


def test_creating_a_series_is_idempotent(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write")
    other = {**SERIES, "rule": {**SERIES["rule"], "count": 4}}
    first = _replayed(client, headers, "/api/v1/series", SERIES, other)
    assert [len(first.json["occurrences"]), count(MeetingSeries), count(Meeting)] == [3, 1, 3]
    fresh = _post(client, headers, "another", SERIES, "/api/v1/series")
    assert fresh.status_code == 201 and fresh.json["id"] != first.json["id"]
    assert count(MeetingSeries) == 2


def test_creating_a_contact_is_idempotent(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write")
    other = {**CONTACT, "given_name_ko": "지민"}
    first = _replayed(client, headers, "/api/v1/contacts", CONTACT, other)
    assert first.json["name"]["ko"] == "박지영" and count(Contact) == 1


def test_creating_a_feed_is_idempotent_and_no_answer_is_cached(client, db, api_token):
    _user, headers = api_token("coordinator", scope="write")
    body = {"scope": "partner", "partner": "seoul"}
    first = _replayed(client, headers, "/api/v1/feeds", body, {**body, "language": "zh"})
    assert first.headers["Cache-Control"] == "no-store" and first.json["url"]
    assert count(Feed) == 1


def test_two_requests_racing_with_one_key_create_one_meeting(race_app):
    headers = write_token(race_app)
    racers = 4
    answers = run_together(race_app, [lambda c: _post(c, headers, "race-key")] * racers)
    assert len(answers) == racers
    created = [a for a in answers if "Idempotent-Replayed" not in a.headers]
    assert [a.status_code for a in created] == [201]
    for answer in answers:
        replayed = answer.headers.get("Idempotent-Replayed") == "true"
        in_progress = answer.status_code == 409 and answer.json["type"].endswith("in-progress")
        assert answer is created[0] or (replayed and answer.data == created[0].data) or in_progress
    with race_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1
