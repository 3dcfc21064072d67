"""Series changes through the API: create (201, Location, ETag; people; 409 clashes), the
series page's actions with If-Match on the series' ETag (428, 412), invitations through the
outbox in the contact's language, write scope, and bad bodies refused with nothing changed."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.series.models import MeetingSeries
from tests.api_support import mail_to
from tests.conftest import count

PROBLEM = "https://cnkr-scheduler.invalid/problems/"
RULE = {"freq": "weekly", "weekdays": ["TU", "TH"], "count": 4}
DATES = [  # (start UTC, start in the planning zone) of RULE's meetings
    ("2030-12-03T06:30:00Z", "2030-12-03T14:30:00+08:00"),
    ("2030-12-05T06:30:00Z", "2030-12-05T14:30:00+08:00"),
    ("2030-12-10T06:30:00Z", "2030-12-10T14:30:00+08:00"),
    ("2030-12-12T06:30:00Z", "2030-12-12T14:30:00+08:00"),
]


def _body(**fields) -> dict:
    body = {
        "kind": "video_link",
        "title": {"zh": "中韩例会", "ko": "한중 정례회의"},
        "partners": ["seoul"],
        "start": "2030-12-03T14:30:00+08:00",
        "end": "2030-12-03T16:00:00+08:00",
        "timezone": "Asia/Shanghai",
        "join_url": "https://meet.example.cn/abc",
        "rule": RULE,
    }
    return body | fields


@pytest.fixture
def writer(api_token):
    return api_token("coordinator", scope="write", lang="en")


def _create(client, headers, **fields):
    answer = client.post("/api/v1/series", json=_body(**fields), headers=headers)
    assert answer.status_code == 201, answer.json
    return answer


def _calendar(message) -> str:
    """The text/calendar part of a mail, unfolded."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_content().replace("\r\n ", "").replace("\r\n", "\n")


def _match(client, headers, url) -> dict:
    return {**headers, "If-Match": client.get(url, headers=headers).headers["ETag"]}


def _dates(body) -> list[tuple]:
    return [(o["start"], o["start_local"], o["status"]) for o in body["occurrences"]]


def test_create_with_a_korean_contact_then_confirm_all_mails_them_in_korean(
    client, db, writer, make_contact
):
    user, headers = writer
    kim = make_contact("seoul", language="ko", timezone="Asia/Seoul")
    people = [{"kind": "contact", "id": kim.id}, {"kind": "user", "id": user.id, "role": "host"}]
    created = _create(client, headers, participants=people)
    body = created.json
    assert created.headers["Location"] == f"http://localhost/api/v1/series/{body['id']}"
    assert body["rule"] == {
        "freq": "weekly",
        "interval": 1,
        "weekdays": ["TU", "TH"],
        "month_day": None,
        "week_of_month": None,
        "count": 4,
        "until": None,
        "start_date": "2030-12-03",
        "start_time": "14:30",
        "duration_minutes": 90,
        "timezone": "Asia/Shanghai",
        "text": "Every week on Tuesday, Thursday, 4 meetings",
    }
    assert _dates(body) == [(utc, local, "draft") for utc, local in DATES]
    assert (body["sequence"], body["split_from"]) == (0, None)
    template = body["template"]
    assert template["title"] == {"zh": "中韩例会", "ko": "한중 정례회의", "en": ""}
    assert template["partners"] == ["seoul"] and template["timezone"] == "Asia/Shanghai"
    assert [(p["kind"], p["id"], p["role"]) for p in template["participants"]] == [
        ("contact", kim.id, "participant"),
        ("user", user.id, "host"),
    ]
    read = client.get(created.headers["Location"], headers=headers)
    assert read.json == body and read.headers["ETag"] == created.headers["ETag"]
    assert count(Participant) == 8  # both people at each of the four dates
    assert mail_to(kim.email) == []  # drafts send nothing
    kinds = ("meeting_series", "meetings")
    audited = db.session.execute(
        sa.select(AuditEntry.object_type, AuditEntry.user_id)
        .where(AuditEntry.action == "create", AuditEntry.object_type.in_(kinds))
        .order_by(AuditEntry.id)
    ).all()
    assert sorted(audited) == [("meeting_series", user.id)] + [("meetings", user.id)] * 4

    match = {**headers, "If-Match": created.headers["ETag"]}
    confirmed = client.post(created.headers["Location"] + "/confirm", headers=match)
    assert confirmed.status_code == 200, confirmed.json
    assert _dates(confirmed.json) == [(utc, local, "confirmed") for utc, local in DATES]
    assert confirmed.headers["ETag"] != created.headers["ETag"]
    [invite] = mail_to(kim.email)  # one invitation for the whole series
    assert invite["Content-Language"] == "ko"
    assert "한중 정례회의" in invite["Subject"] and "中韩" not in invite["Subject"]
    assert "RRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=TU,TH;WKST=MO" in _calendar(invite)
    again = client.post(
        created.headers["Location"] + "/confirm",
        headers=_match(client, headers, created.headers["Location"]),
    )
    assert again.status_code == 400
    assert again.json["detail"] == "There is nothing left to confirm in this series."


def _confirmed_with(client, headers, contact):
    """A confirmed series (RULE) with *contact*; its URL."""
    created = _create(client, headers, participants=[{"kind": "contact", "id": contact.id}])
    url = created.headers["Location"]
    answer = client.post(url + "/confirm", headers={**headers, "If-Match": created.headers["ETag"]})
    assert answer.status_code == 200
    return url, answer.json


def test_cancel_one_date_tells_the_invited_with_the_date_excluded(client, db, writer, make_contact):
    user, headers = writer
    kim = make_contact("seoul", language="ko")
    url, body = _confirmed_with(client, headers, kim)
    second = body["occurrences"][1]["meeting"]
    cancel = f"{url}/occurrences/{second}/cancel"
    blank = client.post(cancel, json={"reason": ""}, headers=_match(client, headers, url))
    assert blank.status_code == 422 and blank.json["errors"][0]["name"] == "reason"
    done = client.post(cancel, json={"reason": "节日"}, headers=_match(client, headers, url))
    assert done.status_code == 200, done.json
    assert [o["status"] for o in done.json["occurrences"]] == [
        "confirmed",
        "cancelled",
        "confirmed",
        "confirmed",
    ]
    assert done.json["sequence"] == body["sequence"] + 1
    assert db.session.get(Meeting, second).status_reason == "节日"
    audit = db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.object_type == "meetings",
            AuditEntry.object_id == second,
            AuditEntry.action == "update",
        )
        .order_by(AuditEntry.id.desc())
    )
    assert audit.user_id == user.id and audit.changes["status"][1] == "cancelled"
    invite, update = mail_to(kim.email)
    assert update["Content-Language"] == "ko"
    ical = _calendar(update)
    assert "METHOD:REQUEST" in ical and "EXDATE;TZID=Asia/Shanghai:20301205T143000" in ical
    elsewhere = client.post(
        f"{url}/occurrences/{second + 100}/cancel",
        json={"reason": "x"},
        headers=_match(client, headers, url),
    )
    assert elsewhere.status_code == 404


def test_this_and_following_makes_a_new_series_and_the_whole_one_keeps_its_id(
    client, db, writer, make_contact
):
    _user, headers = writer
    kim = make_contact("seoul", language="ko")
    url, body = _confirmed_with(client, headers, kim)
    third = body["occurrences"][2]["meeting"]
    change = {"start": "2030-12-10T15:00:00+08:00", "title": {"ko": "한중 정례회의(변경)"}}
    split = client.post(
        f"{url}/occurrences/{third}/split", json=change, headers=_match(client, headers, url)
    )
    assert split.status_code == 201, split.json
    new = split.json
    assert split.headers["Location"] == f"http://localhost/api/v1/series/{new['id']}"
    assert new["split_from"] == body["id"] and new["uid"] != body["uid"]
    assert (new["rule"]["count"], new["rule"]["start_time"]) == (2, "15:00")
    assert _dates(new) == [
        ("2030-12-10T07:00:00Z", "2030-12-10T15:00:00+08:00", "confirmed"),
        ("2030-12-12T07:00:00Z", "2030-12-12T15:00:00+08:00", "confirmed"),
    ]
    assert new["template"]["title"] == {"zh": "中韩例会", "ko": "한중 정례회의(변경)", "en": ""}
    old = client.get(url, headers=headers).json
    assert _dates(old) == [(utc, local, "confirmed") for utc, local in DATES[:2]]
    assert (old["rule"]["count"], old["rule"]["until"]) == (None, "2030-12-09")
    mails = mail_to(kim.email)
    assert len(mails) == 3  # the invitation, then one per UID: the old series ends, the new begins
    assert {m["Content-Language"] for m in mails} == {"ko"}

    whole = {"rule": {"freq": "weekly", "weekdays": ["WE"], "count": 2}, "platform": "Zoom"}
    patched = client.patch(
        split.headers["Location"],
        json=whole,
        headers=_match(client, headers, split.headers["Location"]),
    )
    assert patched.status_code == 200, patched.json
    assert (patched.json["id"], patched.json["uid"]) == (new["id"], new["uid"])
    assert _dates(patched.json) == [
        ("2030-12-11T07:00:00Z", "2030-12-11T15:00:00+08:00", "confirmed"),
        ("2030-12-18T07:00:00Z", "2030-12-18T15:00:00+08:00", "confirmed"),
    ]
    assert patched.json["template"]["platform"] == "Zoom"
    assert patched.json["sequence"] > new["sequence"]
    assert "RRULE:FREQ=WEEKLY;COUNT=2;INTERVAL=1;BYDAY=WE;WKST=MO" in _calendar(
        mail_to(kim.email)[-1]
    )


def test_cancel_the_whole_series(client, db, writer, make_contact):
    _user, headers = writer
    kim = make_contact("seoul", language="ko")
    url, _body = _confirmed_with(client, headers, kim)
    blank = client.post(url + "/cancel", json={}, headers=_match(client, headers, url))
    assert blank.status_code == 422 and blank.json["errors"][0]["name"] == "reason"
    done = client.post(
        url + "/cancel", json={"reason": "取消"}, headers=_match(client, headers, url)
    )
    assert done.status_code == 200
    assert {o["status"] for o in done.json["occurrences"]} == {"cancelled"}
    cancel = mail_to(kim.email)[-1]
    assert "METHOD:CANCEL" in _calendar(cancel) and cancel["Content-Language"] == "ko"
    again = client.post(url + "/confirm", headers=_match(client, headers, url))
    assert again.status_code == 400


def test_each_change_needs_the_series_current_etag(client, db, writer):
    _user, headers = writer
    created = _create(client, headers)
    url, etag = created.headers["Location"], created.headers["ETag"]
    first = created.json["occurrences"][0]["meeting"]
    changes = [
        ("patch", url, {"platform": "Zoom"}),
        ("post", f"{url}/occurrences/{first}/split", {"platform": "Zoom"}),
        ("post", f"{url}/occurrences/{first}/cancel", {"reason": "x"}),
        ("post", url + "/cancel", {"reason": "x"}),
        ("post", url + "/confirm", {}),
    ]
    for method, path, body in changes:
        send = getattr(client, method)
        missing = send(path, json=body, headers=headers)
        assert missing.status_code == 428, path
        assert missing.json["type"] == PROBLEM + "precondition-required"
        stale = send(path, json=body, headers={**headers, "If-Match": '"0"'})
        assert stale.status_code == 412, path
        assert stale.json["detail"] == "The record has changed since you read it."
    korean = client.post(
        url + "/confirm", headers={**headers, "If-Match": '"0"', "Accept-Language": "ko"}
    )
    assert korean.status_code == 412 and "조회하신 뒤에" in korean.json["detail"]
    assert client.get(url, headers=headers).json == created.json  # nothing changed
    done = client.patch(url, json={"platform": "Zoom"}, headers={**headers, "If-Match": etag})
    assert done.status_code == 200
    lost = client.post(url + "/confirm", headers={**headers, "If-Match": etag})
    assert lost.status_code == 412
    assert {o["status"] for o in client.get(url, headers=headers).json["occurrences"]} == {"draft"}


def test_a_clash_at_one_date_is_409_and_may_be_overridden(
    client, db, writer, make_meeting, make_user
):
    user, headers = writer
    busy = make_user("coordinator", name_zh="李明", name_ko="리밍")
    other = make_meeting(
        title_zh="另一个会",
        title_ko="다른 회의",
        start_dt=datetime(2030, 12, 10, 6, 30, tzinfo=UTC),
        end_dt=datetime(2030, 12, 10, 7, 0, tzinfo=UTC),
    )
    db.session.add(Participant(meeting_id=other.id, user_id=busy.id))
    db.session.commit()
    before = (count(Meeting), count(MeetingSeries))
    people = [{"kind": "user", "id": busy.id}]
    clash = client.post("/api/v1/series", json=_body(participants=people), headers=headers)
    assert clash.status_code == 409 and clash.json["type"] == PROBLEM + "scheduling-conflict"
    assert clash.json["detail"] == "Some participants already have a meeting at one of the dates."
    assert clash.json["overridable"] is True
    assert clash.json["conflicts"] == [
        {
            "kind": "person",
            "who": "李明",
            "overridable": True,
            "meeting": {
                "id": other.id,
                "title": {"zh": "另一个会", "ko": "다른 회의", "en": ""},
                "start": "2030-12-10T06:30:00Z",
                "end": "2030-12-10T07:00:00Z",
            },
        }
    ]
    assert (count(Meeting), count(MeetingSeries)) == before
    kept = _create(client, headers, participants=people, override_reason="领导要求")
    override = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "override"))
    assert override.user_id == user.id and override.changes["reason"] == "领导要求"
    assert len(kept.json["occurrences"]) == 4


@pytest.mark.parametrize(("role", "scope"), [("viewer", "write"), ("coordinator", "read")])
def test_changes_need_a_write_token_of_an_editor(client, db, writer, api_token, role, scope):
    _writer, own = writer
    created = _create(client, own)
    url = created.headers["Location"]
    _user, headers = api_token(role, scope=scope)
    before = count(MeetingSeries)
    refused = client.post("/api/v1/series", json=_body(), headers=headers)
    assert refused.status_code == 403 and refused.json["type"] == PROBLEM + "forbidden"
    match = _match(client, headers, url)
    first = created.json["occurrences"][0]["meeting"]
    for answer in (
        client.patch(url, json={"platform": "x"}, headers=match),
        client.post(url + "/confirm", headers=match),
        client.post(url + "/cancel", json={"reason": "x"}, headers=match),
        client.post(f"{url}/occurrences/{first}/cancel", json={"reason": "x"}, headers=match),
        client.post(f"{url}/occurrences/{first}/split", json={}, headers=match),
    ):
        assert answer.status_code == 403
    assert count(MeetingSeries) == before
    assert client.get(url, headers=own).json == created.json


def test_bad_bodies_are_problems_and_create_nothing(client, db, writer):
    _user, headers = writer

    def post(status, **fields):
        answer = client.post("/api/v1/series", json=_body(**fields), headers=headers)
        assert answer.status_code == status, answer.json
        assert answer.mimetype == "application/problem+json"
        return answer.json

    unknown = post(400, colour="red")
    assert unknown["errors"] == [
        {"name": "colour", "reason": "unknown", "detail": "This field is not known here."}
    ]
    assert post(400, rule={**RULE, "byday": "TU"})["errors"][0]["name"] == "rule.byday"
    assert post(400, start="2030-12-03T14:30:00")["errors"][0]["reason"] == "naive"
    assert post(422, rule=None)["errors"][0]["name"] == "rule"
    assert post(422, rule={**RULE, "freq": "daily"})["errors"][0]["name"] == "rule.freq"
    assert post(422, rule={**RULE, "month_day": 5})["errors"][0]["name"] == "rule.month_day"
    assert post(422, rule={**RULE, "count": 501})["errors"][0]["name"] == "rule.count"
    assert post(422, rule={**RULE, "weekdays": ["XX"]})["errors"][0]["name"] == "rule.weekdays.0"
    no_days = post(400, rule={"freq": "weekly", "count": 3})
    assert no_days["detail"] == "Choose at least one weekday."
    no_end = post(400, rule={"freq": "weekly", "weekdays": ["TU"]})
    assert no_end["detail"] == "End the series after a number of meetings or on a date."
    both = post(400, rule={**RULE, "until": "2031-01-01"})
    assert both["detail"] == "End the series after a number of meetings or on a date."
    day_30 = post(400, rule={"freq": "monthly", "month_day": 30, "count": 3})
    assert day_30["detail"].startswith("Day 30 does not exist in every month")
    backwards = post(400, end="2030-12-03T14:00:00+08:00")
    assert backwards["detail"] == "The end must be after the start."
    assert post(422, timezone="Asia/Changchun")["errors"][0]["reason"] == "zone"
    assert post(422, title={"en": "Only English"})["errors"][0]["name"] == "title"
    assert post(422, partners=["atlantis"])["errors"][0]["name"] == "partners.0"
    person = [{"kind": "contact", "id": 999999}]
    assert post(422, participants=person)["errors"][0]["name"] == "participants.0.id"
    assert count(MeetingSeries) == 0 and count(Meeting) == 0


def test_monthly_on_the_last_friday_in_seoul_time(client, db, writer):
    _user, headers = writer
    rule = {"freq": "monthly", "week_of_month": -1, "weekdays": ["FR"], "until": "2031-02-28"}
    created = _create(
        client,
        headers,
        rule=rule,
        timezone="Asia/Seoul",
        start="2030-12-27T10:00:00+09:00",
        end="2030-12-27T11:00:00+09:00",
    )
    assert [o["start_local"] for o in created.json["occurrences"]] == [
        "2030-12-27T10:00:00+09:00",
        "2031-01-31T10:00:00+09:00",
        "2031-02-28T10:00:00+09:00",
    ]
    assert created.json["rule"]["week_of_month"] == -1 and created.json["rule"]["count"] is None


def test_series_changes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    create = paths["/api/v1/series"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "201" in create["responses"]
    for path, method in (
        ("/api/v1/series/{series_id}", "patch"),
        ("/api/v1/series/{series_id}/confirm", "post"),
        ("/api/v1/series/{series_id}/cancel", "post"),
        ("/api/v1/series/{series_id}/occurrences/{meeting_id}/cancel", "post"),
        ("/api/v1/series/{series_id}/occurrences/{meeting_id}/split", "post"),
    ):
        operation = paths[path][method]
        assert any(p["name"] == "If-Match" and p["required"] for p in operation["parameters"])
        assert {"200", "412", "428"} <= set(operation["responses"]), path
    assert (
        "201"
        in paths["/api/v1/series/{series_id}/occurrences/{meeting_id}/split"]["post"]["responses"]
    )
