"""Meeting changes through the API: create, PATCH with If-Match (428, 412, never a lost
update), status actions, participants, conflicts as 409 with the clashes, write scope, and
bad bodies (415, 413, 400, 422) answered with a problem document and nothing changed."""

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Meeting, Participant
from tests.api_support import mail_to, run_together, write_token
from tests.conftest import count

PROBLEM = "https://cnkr-scheduler.invalid/problems/"
WHO = "李明"  # named in the language of the token's user (Chinese by default)
START, END = "2030-12-03T14:30:00+08:00", "2030-12-03T16:00:00+08:00"


def _body(**fields) -> dict:
    body = {
        "kind": "video_link",
        "title": {"zh": "中韩视频连线", "ko": "한중 화상회의"},
        "partners": ["seoul"],
        "start": START,
        "end": END,
        "platform": "Zoom",
        "join_url": "https://meet.example.cn/abc",
    }
    return body | fields


@pytest.fixture
def writer(api_token):
    _user, headers = api_token("coordinator", scope="write", lang="en")
    return _user, headers


def _create(client, headers, **fields):
    answer = client.post("/api/v1/meetings", json=_body(**fields), headers=headers)
    assert answer.status_code == 201, answer.json
    return answer


def test_create_with_a_korean_contact_then_confirm_mails_them_in_korean(
    client, db, writer, make_contact
):
    user, headers = writer
    kim = make_contact("seoul", language="ko", timezone="Asia/Seoul")
    people = [{"kind": "contact", "id": kim.id}, {"kind": "user", "id": user.id, "role": "host"}]
    created = _create(client, headers, participants=people)
    meeting = created.json
    assert created.headers["Location"] == f"http://localhost/api/v1/meetings/{meeting['id']}"
    assert (meeting["status"], meeting["start"], meeting["end"]) == (
        "draft",
        "2030-12-03T06:30:00Z",
        "2030-12-03T08:00:00Z",
    )
    assert meeting["title"] == {"zh": "中韩视频连线", "ko": "한중 화상회의", "en": ""}
    assert [(p["kind"], p["id"], p["role"]) for p in meeting["participants"]] == [
        ("contact", kim.id, "participant"),
        ("user", user.id, "host"),
    ]
    read = client.get(created.headers["Location"], headers=headers)
    assert read.json == meeting
    assert read.headers["ETag"] == created.headers["ETag"]
    assert mail_to(kim.email) == []  # a draft sends nothing
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "meetings")
    ).all()
    assert [(a.action, a.user_id) for a in audit] == [("create", user.id)]

    match = {**headers, "If-Match": created.headers["ETag"]}
    confirmed = client.post(f"/api/v1/meetings/{meeting['id']}/confirm", headers=match)
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert confirmed.headers["ETag"] != created.headers["ETag"]
    [invite] = mail_to(kim.email)
    assert invite["Content-Language"] == "ko"
    assert "한중 화상회의" in invite["Subject"] and "中韩" not in invite["Subject"]
    assert "15:30~17:00(한국 시간)" in invite.get_body(("plain",)).get_content()


def test_patch_needs_the_current_etag(client, db, writer):
    _user, headers = writer
    created = _create(client, headers)
    url, etag = created.headers["Location"], created.headers["ETag"]
    change = {"title": {"en": "Video link"}, "start": "2030-12-03T07:00:00Z"}
    change["end"] = "2030-12-03T08:00:00Z"

    missing = client.patch(url, json=change, headers=headers)
    assert missing.status_code == 428 and missing.json["type"] == PROBLEM + "precondition-required"
    star = client.patch(url, json=change, headers={**headers, "If-Match": "*"})
    assert star.status_code == 428
    weak = client.patch(url, json=change, headers={**headers, "If-Match": "W/" + etag})
    assert weak.status_code == 412
    assert client.get(url, headers=headers).json == created.json  # nothing changed

    done = client.patch(url, json=change, headers={**headers, "If-Match": etag})
    assert done.status_code == 200, done.json
    assert done.json["title"]["en"] == "Video link" and done.json["title"]["zh"] == "中韩视频连线"
    assert done.json["start_local"] == "2030-12-03T15:00:00+08:00"
    assert done.json["version"] == created.json["version"] + 1

    lost = client.patch(url, json={"platform": "Webex"}, headers={**headers, "If-Match": etag})
    assert lost.status_code == 412 and lost.json["type"] == PROBLEM + "precondition-failed"
    assert lost.mimetype == "application/problem+json"
    assert lost.json["detail"] == "The record has changed since you read it."
    assert client.get(url, headers=headers).json["platform"] == "Zoom"


def test_stale_etag_problem_in_korean_and_chinese(client, writer):
    _user, headers = writer
    created = _create(client, headers)
    url = created.headers["Location"]
    for lang, detail in (("ko", "조회하신 뒤에"), ("zh", "已被更改")):
        stale = {**headers, "If-Match": '"0"', "Accept-Language": lang}
        answer = client.post(url + "/confirm", headers=stale)
        assert answer.status_code == 412 and detail in answer.json["detail"]
    assert client.get(url, headers=headers).json["status"] == "draft"


def test_status_actions_and_their_reasons(client, db, writer):
    _user, headers = writer
    created = _create(client, headers)
    url, etag = created.headers["Location"], created.headers["ETag"]
    tentative = client.post(url + "/tentative", json={}, headers={**headers, "If-Match": etag})
    assert tentative.status_code == 200 and tentative.json["status"] == "tentative"
    etag = tentative.headers["ETag"]
    no_reason = client.post(url + "/postpone", json={}, headers={**headers, "If-Match": etag})
    assert no_reason.status_code == 422
    assert no_reason.json["errors"][0]["name"] == "reason"
    blank = client.post(
        url + "/cancel", json={"reason": "  "}, headers={**headers, "If-Match": etag}
    )
    assert blank.status_code == 400 and blank.json["detail"] == "Please give a reason."
    postponed = client.post(
        url + "/postpone", json={"reason": "台风"}, headers={**headers, "If-Match": etag}
    )
    assert postponed.json["status"] == "postponed" and postponed.json["status_reason"] == "台风"
    etag = postponed.headers["ETag"]
    cancelled = client.post(
        url + "/cancel", json={"reason": "取消"}, headers={**headers, "If-Match": etag}
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = client.patch(
        url, json={"platform": "Teams"}, headers={**headers, "If-Match": cancelled.headers["ETag"]}
    )
    assert again.status_code == 400
    assert again.json["detail"] == "A cancelled or held meeting cannot be changed."
    missing = client.post(
        "/api/v1/meetings/2147483648/confirm", headers={**headers, "If-Match": etag}
    )
    assert missing.status_code == 404


def test_person_clash_is_409_with_the_clashes_and_may_be_overridden(
    client, db, writer, make_meeting, make_user
):
    user, headers = writer
    busy = make_user("coordinator", name_zh="李明", name_ko="리밍")
    other = make_meeting(title_zh="另一个会", title_ko="다른 회의")
    db.session.add(Participant(meeting_id=other.id, user_id=busy.id))
    db.session.commit()
    before = count(Meeting)
    people = [{"kind": "user", "id": busy.id}]
    clash = client.post("/api/v1/meetings", json=_body(participants=people), headers=headers)
    assert clash.status_code == 409 and clash.json["type"] == PROBLEM + "scheduling-conflict"
    assert clash.json["detail"] == "Some participants already have a meeting at this time."
    assert clash.json["overridable"] is True
    assert clash.json["conflicts"] == [
        {
            "kind": "person",
            "who": WHO,
            "overridable": True,
            "meeting": {
                "id": other.id,
                "title": {"zh": "另一个会", "ko": "다른 회의", "en": ""},
                "start": "2030-12-03T06:30:00Z",
                "end": "2030-12-03T08:00:00Z",
            },
        }
    ]
    assert count(Meeting) == before

    body = _body(participants=people, override_reason="领导要求")
    kept = client.post("/api/v1/meetings", json=body, headers=headers)
    assert kept.status_code == 201
    override = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "override"))
    assert override.user_id == user.id and override.changes["reason"] == "领导要求"


def test_interpreter_clash_cannot_be_overridden(client, db, writer, make_meeting, make_user):
    _user, headers = writer
    interpreter = make_user("coordinator")
    other = make_meeting()
    db.session.add(Participant(meeting_id=other.id, user_id=interpreter.id, role="interpreter"))
    db.session.commit()
    next_day = {"start": "2030-12-04T14:30:00+08:00", "end": "2030-12-04T16:00:00+08:00"}
    created = _create(client, headers, **next_day)
    url = created.headers["Location"] + "/participants"
    person = {"kind": "user", "id": interpreter.id, "role": "interpreter", "override_reason": "x"}
    added = client.post(url, json=person, headers=headers)
    assert added.status_code == 201
    move = {"start": START, "end": END, "override_reason": "必须"}
    match = {
        **headers,
        "If-Match": client.get(created.headers["Location"], headers=headers).headers["ETag"],
    }
    refused = client.patch(created.headers["Location"], json=move, headers=match)
    assert refused.status_code == 409 and refused.json["overridable"] is False
    assert refused.json["conflicts"][0]["kind"] == "interpreter"
    assert refused.json["detail"] == "An interpreter or room is already booked at this time."
    assert client.get(created.headers["Location"], headers=headers).json["start"] == (
        "2030-12-04T06:30:00Z"
    )


def test_participants_add_read_twice_and_remove(client, db, writer, make_contact):
    _user, headers = writer
    kim = make_contact("busan", language="ko")
    created = _create(client, headers)
    url = created.headers["Location"]
    confirmed = client.post(
        url + "/confirm", headers={**headers, "If-Match": created.headers["ETag"]}
    )
    assert confirmed.status_code == 200
    added = client.post(
        url + "/participants", json={"kind": "contact", "id": kim.id}, headers=headers
    )
    assert added.status_code == 201
    assert added.json["name"] == {"zh": "金敏洙", "ko": "김민수", "en": "Min-su KIM"}
    assert added.json["partner"] == "busan" and added.json["email"] == kim.email
    assert client.get(added.headers["Location"], headers=headers).json == added.json
    assert [m["Content-Language"] for m in mail_to(kim.email)] == ["ko"]

    twice = client.post(
        url + "/participants", json={"kind": "contact", "id": kim.id}, headers=headers
    )
    assert twice.status_code == 409 and twice.json["type"] == PROBLEM + "conflict"
    assert twice.json["detail"] == "This person already takes part in the meeting."
    nobody = {"kind": "contact", "id": 2147483647}
    unknown = client.post(url + "/participants", json=nobody, headers=headers)
    assert unknown.status_code == 422 and unknown.json["errors"][0]["name"] == "person.id"
    guest = client.post(url + "/participants", json={"kind": "guest"}, headers=headers)
    assert guest.status_code == 422 and guest.json["errors"][0]["name"] == "email"

    removed = client.delete(added.headers["Location"], headers=headers)
    assert removed.status_code == 204 and removed.data == b""
    cancel = mail_to(kim.email)[-1]
    assert "METHOD:CANCEL" in cancel.as_string() or "CANCEL" in str(cancel)
    assert client.get(added.headers["Location"], headers=headers).status_code == 404
    assert client.delete(added.headers["Location"], headers=headers).status_code == 404


@pytest.mark.parametrize(("role", "scope"), [("viewer", "write"), ("coordinator", "read")])
def test_write_needs_a_write_token_of_an_editor(client, db, api_token, make_meeting, role, scope):
    meeting = make_meeting()
    _user, headers = api_token(role, scope=scope)
    before = count(Meeting)
    created = client.post("/api/v1/meetings", json=_body(), headers=headers)
    assert created.status_code == 403 and created.json["type"] == PROBLEM + "forbidden"
    url = f"/api/v1/meetings/{meeting.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    for answer in (
        client.patch(url, json={"platform": "x"}, headers={**headers, "If-Match": etag}),
        client.post(url + "/confirm", headers={**headers, "If-Match": etag}),
        client.post(
            url + "/participants", json={"kind": "guest", "email": "a@b.org"}, headers=headers
        ),
    ):
        assert answer.status_code == 403
    assert count(Meeting) == before
    assert client.get(url, headers=headers).json["status"] == "draft"


def test_bad_bodies_are_problems_and_change_nothing(client, db, app, writer):
    _user, headers = writer
    before = count(Meeting)

    def post(**kwargs):
        answer = client.post("/api/v1/meetings", headers=headers, **kwargs)
        assert answer.mimetype == "application/problem+json"
        return answer

    form = post(data={"kind": "video_link"})
    assert form.status_code == 415 and form.json["type"] == PROBLEM + "unsupported-media-type"
    text = post(data="{}", content_type="text/plain")
    assert text.status_code == 415
    big = post(json=_body(agenda={"zh": "长" * 70000}))
    assert big.status_code == 413 and big.json["type"] == PROBLEM + "payload-too-large"
    broken = post(data='{"kind": ', content_type="application/json")
    assert broken.status_code == 400 and broken.json["errors"][0]["name"] == "body"
    unknown = post(json=_body(colour="red"))
    assert unknown.status_code == 400
    assert unknown.json["errors"] == [
        {"name": "colour", "reason": "unknown", "detail": "This field is not known here."}
    ]
    naive = post(json=_body(start="2030-12-03T14:30:00"))
    assert naive.status_code == 400 and naive.json["errors"][0]["reason"] == "naive"
    zone = post(json=_body(timezone="Asia/Changchun"))
    assert zone.status_code == 422 and zone.json["errors"][0]["reason"] == "zone"
    wrong = post(json=_body(tech_check_minutes="soon"))
    assert wrong.status_code == 422 and wrong.json["errors"][0]["name"] == "tech_check_minutes"
    titleless = post(json=_body(title={"en": "Only English"}))
    assert titleless.status_code == 422 and titleless.json["errors"][0]["name"] == "title"
    backwards = post(json=_body(end="2030-12-03T14:00:00+08:00"))
    assert backwards.status_code == 400
    assert backwards.json["detail"] == "The end must be after the start."
    # Year 9999 in Changchun is year 10000 in Seoul: no clock could show it.
    far = post(json=_body(start="9999-12-31T22:00:00Z", end="9999-12-31T23:00:00Z"))
    assert far.status_code == 400 and far.json["detail"] == "Choose a time between 1992 and 2100."
    partner = post(json=_body(partners=["atlantis"]))
    assert partner.status_code == 422 and partner.json["errors"][0]["name"] == "partners.0"
    link = post(json=_body(join_url="ftp://meet.example.cn"))
    assert link.status_code == 422 and link.json["errors"][0]["name"] == "join_url"
    assert count(Meeting) == before


def test_changes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    patch = paths["/api/v1/meetings/{meeting_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    create = paths["/api/v1/meetings"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "201" in create["responses"]
    assert {"post"} <= set(paths["/api/v1/meetings/{meeting_id}/participants"])
    assert "delete" in paths["/api/v1/meetings/{meeting_id}/participants/{participant_id}"]


def test_two_changes_from_one_etag_racing_lose_nothing(race_app):
    """Both read the same ETag and send their change at once: one is saved, the other gets
    412 (never saved over the first without having seen it)."""
    headers = write_token(race_app)
    created = _create(race_app.test_client(), headers)
    url, etag = created.headers["Location"], created.headers["ETag"]

    def change(platform):
        match = {**headers, "If-Match": etag}
        return lambda client: client.patch(url, json={"platform": platform}, headers=match)

    answers = run_together(race_app, [change("Webex"), change("Teams")])
    assert sorted(a.status_code for a in answers) == [200, 412]
    [saved] = [a.json["platform"] for a in answers if a.status_code == 200]
    assert race_app.test_client().get(url, headers=headers).json["platform"] == saved
