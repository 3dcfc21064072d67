"""The other resources through the API: series, visits (delegation and itinerary), the slot
finder, feeds (create, rotate, revoke), history search and statistics; roles and bad input."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from scheduler.meetings.models import MeetingStatus
from tests.visits_support import newest

PROBLEM = "https://cnkr-scheduler.invalid/problems/"


def _errors(answer) -> list[tuple[str, str]]:
    return [(e["name"], e["reason"]) for e in answer.json["errors"]]


SERIES_FORM = {
    "kind": "video_link", "title_zh": "长春—首尔例会", "title_ko": "창춘-서울 정례회의",
    "timezone": "Asia/Shanghai", "start_local": "2030-09-03T14:30",
    "end_local": "2030-09-03T16:00", "room_id": "0", "host_side": "cn", "pattern": "weekly",
    "interval": "2", "weekdays": ["TU", "TH"], "month_day": "1", "week_of_month": "1",
    "month_weekday": "MO", "ends": "count", "count": "3", "until": "",
}  # fmt: skip


def test_series_with_its_rule_and_occurrences(client, db, auth, api_token):
    from scheduler.meetings.series.models import MeetingSeries
    from scheduler.partners.services import get_partner

    auth.login("coordinator", locale="en")
    form = {**SERIES_FORM, "partners": [str(get_partner("seoul").id)]}
    assert client.post("/meetings/series/new", data=form).status_code == 302
    series = newest(db, MeetingSeries)
    _user, headers = api_token("viewer", lang="zh-CN")

    answer = client.get(f"/api/v1/series/{series.id}", headers=headers)
    assert answer.status_code == 200
    body = answer.json
    assert body["rule"] == {
        "freq": "weekly",
        "interval": 2,
        "weekdays": ["TU", "TH"],
        "month_day": None,
        "week_of_month": None,
        "count": 3,
        "until": None,
        "start_date": "2030-09-03",
        "start_time": "14:30",
        "duration_minutes": 90,
        "timezone": "Asia/Shanghai",
        "text": body["rule"]["text"],
    }
    assert body["rule"]["text"] == "每 2 周的星期二、星期四，共3次会议"
    assert [(o["start"], o["start_local"], o["status"]) for o in body["occurrences"]] == [
        ("2030-09-03T06:30:00Z", "2030-09-03T14:30:00+08:00", "draft"),
        ("2030-09-05T06:30:00Z", "2030-09-05T14:30:00+08:00", "draft"),
        ("2030-09-17T06:30:00Z", "2030-09-17T14:30:00+08:00", "draft"),
    ]
    assert body["uid"] == series.uid and body["template"]["title"]["ko"] == "창춘-서울 정례회의"
    assert client.get("/api/v1/series/2147483647", headers=headers).status_code == 404


def test_visit_with_delegation_and_itinerary_by_role(client, db, full_visit, api_token):
    _viewer, viewer = api_token("viewer")
    _coordinator, coordinator = api_token("coordinator")
    listed = client.get("/api/v1/visits", headers=viewer).json["items"]
    assert listed == [
        {
            "id": full_visit.id,
            "direction": "inbound",
            "title": {"zh": "首尔市代表团访问长春", "ko": "서울시 대표단 창춘 방문", "en": ""},
            "start_date": "2030-12-03",
            "end_date": "2030-12-05",
            "timezone": "Asia/Shanghai",
            "partners": ["seoul"],
        }
    ]
    seen = client.get(f"/api/v1/visits/{full_visit.id}", headers=viewer).json
    assert seen["arrival"] == {
        "flight": "KE831",
        "airport": "长春龙嘉国际机场",
        "time": {"at": "2030-12-03T02:40:00Z", "local": "2030-12-03T10:40:00+08:00"},
    }
    head = seen["delegation"][0]
    assert (head["role"], head["kind"], head["name"]) == (
        "head",
        "contact",
        {"zh": "金敏洙", "ko": "김민수", "en": "Min-su KIM"},
    )
    assert head["title"] == {"zh": "副市长", "ko": "부시장"} and "phone" not in head
    host = seen["hosts"][0]
    assert (host["kind"], host["name"]) == ("user", {"zh": "张伟", "ko": "장웨이", "en": ""})
    days = seen["itinerary"]
    assert [(d["day"], d["date"]) for d in days] == [
        (1, "2030-12-03"),
        (2, "2030-12-04"),
        (3, "2030-12-05"),
    ]
    first = days[0]["items"][0]
    assert (first["kind"], first["start"], first["start_local"], first["timezone"]) == (
        "inspection",
        "2030-12-03T06:30:00Z",
        "2030-12-03T14:30:00+08:00",
        "Asia/Shanghai",
    )
    assert first["location"] == {"zh": "示范区展示中心", "ko": "시범구 전시센터", "en": ""}
    assert days[1]["items"][0]["title"]["ko"] == "우호교류 협약 체결"
    full = client.get(f"/api/v1/visits/{full_visit.id}", headers=coordinator).json
    assert "phone" in full["delegation"][0]
    assert client.get("/api/v1/visits/2147483647", headers=viewer).status_code == 404


def test_visit_guest_names_in_every_script(client, db, visit, api_token):
    guest = {"person": "", "role": "interpreter", "name_ko": "이영희", "name_zh": "李英姬",
             "name_latin": "LEE Younghee"}  # fmt: skip
    assert client.post(f"/visits/{visit.id}/members", data=guest).status_code == 302
    _user, headers = api_token("viewer")
    member = client.get(f"/api/v1/visits/{visit.id}", headers=headers).json["delegation"][0]
    assert (member["kind"], member["person"], member["role"]) == ("guest", None, "interpreter")
    assert member["name"] == {"zh": "李英姬", "ko": "이영희", "en": "LEE Younghee"}


@pytest.fixture
def slot_people(make_user, make_contact):
    user = make_user("coordinator", timezone="Asia/Shanghai")
    contact = make_contact(timezone="Asia/Seoul")
    return [f"user:{user.id}", f"contact:{contact.id}"]


def test_slot_search(client, api_token, slot_people):
    _user, headers = api_token("coordinator", lang="en")
    query = {"participants": slot_people, "first_day": "2030-12-24", "last_day": "2030-12-25",
             "duration": 60, "buffer": 0, "notice": 0}  # fmt: skip
    answer = client.post("/api/v1/slots/search", json=query, headers=headers)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["zone"] == "Asia/Shanghai"
    assert body["warnings"] == [
        {"day": "2030-12-25", "kind": "holiday", "country": "KR", "text": "Korea: Christmas Day"}
    ]
    # Best first, spread over the half-days of the 24th (the 25th is a holiday in Korea).
    assert [(s["start"], s["end"], s["start_local"], s["score"]) for s in body["slots"]] == [
        ("2030-12-24T01:00:00Z", "2030-12-24T02:00:00Z", "2030-12-24T09:00:00+08:00", 60),
        ("2030-12-24T06:30:00Z", "2030-12-24T07:30:00Z", "2030-12-24T14:30:00+08:00", 90),
        ("2030-12-24T02:00:00Z", "2030-12-24T03:00:00Z", "2030-12-24T10:00:00+08:00", 60),
        ("2030-12-24T07:30:00Z", "2030-12-24T08:30:00Z", "2030-12-24T15:30:00+08:00", 120),
    ]
    assert body["slots"][0]["end_local"] == "2030-12-24T10:00:00+08:00"


@pytest.mark.parametrize(
    ("change", "status", "field", "reason"),
    [
        ({"colour": "blue"}, 400, "colour", "unknown"),
        ({"duration": "an hour"}, 422, "duration", "invalid"),
        ({"duration": 2}, 422, "duration", "invalid"),
        ({"buffer": 600}, 422, "buffer", "invalid"),
        ({"notice": -1}, 422, "notice", "invalid"),
        ({"last_day": "2030-12-01"}, 422, "last_day", "invalid"),
        ({"first_day": "2030-12-24T09:00"}, 422, "first_day", "invalid"),
        ({"participants": ["user:2147483647"]}, 422, "participants", "invalid"),
        ({"participants": []}, 422, "participants", "missing"),
        ({"emails": ["nobody@example.invalid"]}, 422, "emails", "invalid"),
        ({"room": 2147483647}, 422, "room", "invalid"),
    ],
)
def test_slot_search_refuses_bad_input(
    client, api_token, slot_people, change, status, field, reason
):
    _user, headers = api_token("coordinator")
    query = {"participants": slot_people, "first_day": "2030-12-24", "last_day": "2030-12-25"}
    answer = client.post("/api/v1/slots/search", json=query | change, headers=headers)
    assert answer.status_code == status
    assert _errors(answer) == [(field, reason)]


def test_slot_search_is_for_editors_with_any_scope(client, api_token, slot_people):
    query = {"participants": slot_people, "first_day": "2030-12-24", "last_day": "2030-12-24"}
    _viewer, viewer = api_token("viewer", scope="write")
    assert client.post("/api/v1/slots/search", json=query, headers=viewer).status_code == 403
    _reader, reader = api_token("coordinator", scope="read")
    assert client.post("/api/v1/slots/search", json=query, headers=reader).status_code == 200


def test_feeds_create_list_rotate_revoke(client, db, api_token):
    user, headers = api_token("coordinator", scope="write")
    made = client.post(
        "/api/v1/feeds", json={"scope": "partner", "partner": "seoul"}, headers=headers
    )
    assert made.status_code == 201, made.json
    assert made.headers["Cache-Control"] == "no-store"
    feed = made.json
    assert (feed["scope"], feed["partner"], feed["language"]) == ("partner", "seoul", "ko")
    path = urlsplit(feed["url"]).path
    assert path.startswith("/calendars/") and feed["webcal_url"].startswith("webcal://")
    assert client.get(path).status_code == 200

    own = client.post("/api/v1/feeds", json={"scope": "user", "language": "zh"}, headers=headers)
    assert own.status_code == 201 and own.json["user"] == user.id
    listed = client.get("/api/v1/feeds", headers=headers).json["items"]
    assert [f["id"] for f in listed] == [own.json["id"], feed["id"]]
    assert all("url" not in f for f in listed)  # the URL is shown once

    rotated = client.post(f"/api/v1/feeds/{feed['id']}/rotate", headers=headers)
    assert rotated.status_code == 200 and rotated.json["rotated_at"].endswith("Z")
    new_path = urlsplit(rotated.json["url"]).path
    assert client.get(path).status_code == 404 and client.get(new_path).status_code == 200

    revoked = client.post(f"/api/v1/feeds/{feed['id']}/revoke", headers=headers)
    assert revoked.status_code == 204 and client.get(new_path).status_code == 404
    assert [f["id"] for f in client.get("/api/v1/feeds", headers=headers).json["items"]] == [
        own.json["id"]
    ]
    again = client.post(f"/api/v1/feeds/{feed['id']}/rotate", headers=headers)
    assert again.status_code == 404

    from scheduler.audit.models import AuditEntry

    actions = db.session.scalars(
        db.select(AuditEntry.action)
        .where(AuditEntry.object_type == "feeds", AuditEntry.object_id == feed["id"])
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "rotate", "revoke"]


def test_feeds_rules_and_bad_input(client, db, api_token, make_contact):
    _owner, owner = api_token("coordinator", scope="write")
    mine = client.post("/api/v1/feeds", json={"scope": "user"}, headers=owner).json["id"]
    _other, other = api_token("coordinator", scope="write")
    assert client.post(f"/api/v1/feeds/{mine}/revoke", headers=other).status_code == 403
    _admin, admin = api_token("admin", scope="write")
    assert client.post(f"/api/v1/feeds/{mine}/rotate", headers=admin).status_code == 200
    _viewer, viewer = api_token("viewer", scope="write")
    assert client.post("/api/v1/feeds", json={"scope": "office"}, headers=viewer).status_code == 403
    _reader, reader = api_token("coordinator", scope="read")
    assert client.post("/api/v1/feeds", json={"scope": "office"}, headers=reader).status_code == 403

    def refused(body):
        answer = client.post("/api/v1/feeds", json=body, headers=owner)
        return answer.status_code, _errors(answer)

    assert refused({"scope": "partner"}) == (422, [("partner", "missing")])
    assert refused({"scope": "office", "partner": "seoul"}) == (422, [("partner", "invalid")])
    assert refused({"scope": "partner", "partner": "atlantis"}) == (422, [("partner", "invalid")])
    assert refused({"scope": "contact", "contact": 2147483647}) == (422, [("contact", "invalid")])
    assert refused({"scope": "contact", "contact": "one"}) == (422, [("contact", "invalid")])
    assert refused({"scope": "everyone"}) == (422, [("scope", "invalid")])
    assert refused({"scope": "office", "language": "fr"}) == (422, [("language", "invalid")])
    assert refused({"scope": "office", "token": "x"}) == (400, [("token", "unknown")])
    contact = make_contact()
    made = client.post(
        "/api/v1/feeds", json={"scope": "contact", "contact": contact.id}, headers=owner
    )
    assert made.status_code == 201 and made.json["contact"] == contact.id


def _at(month: int, day: int, hour: int = 6) -> dict:
    start = datetime(2030, month, day, hour, 0, tzinfo=UTC)
    return {"start_dt": start, "end_dt": start.replace(hour=hour + 1)}


def test_history_search_in_cursor_pages(client, api_token, make_meeting):
    older = make_meeting(title_zh="中韩经贸合作论坛", **_at(3, 5))
    newer = make_meeting(title_ko="경제무역 협력 포럼", title_zh="经贸合作洽谈会", **_at(6, 7))
    make_meeting(title_zh="文化交流", title_ko="문화 교류", **_at(7, 1))
    _user, headers = api_token("viewer")

    first = client.get("/api/v1/history/search?q=经贸&limit=1", headers=headers)
    assert first.status_code == 200, first.json
    assert [m["id"] for m in first.json["items"]] == [newer.id]
    assert first.json["total"] == 2
    item = first.json["items"][0]
    assert (item["start"], item["partners"], item["contacts"]) == (
        "2030-06-07T06:00:00Z",
        ["seoul"],
        [],
    )
    cursor = first.json["next_cursor"]
    assert f"cursor={cursor}" in first.headers["Link"]
    second = client.get(f"/api/v1/history/search?q=经贸&limit=1&cursor={cursor}", headers=headers)
    assert [m["id"] for m in second.json["items"]] == [older.id]
    assert second.json["next_cursor"] is None
    dated = client.get(
        "/api/v1/history/search?q=经贸&from=2030-06-01&to=2030-06-30", headers=headers
    )
    assert [m["id"] for m in dated.json["items"]] == [newer.id]
    foreign = client.get(f"/api/v1/history/search?q=交流&limit=1&cursor={cursor}", headers=headers)
    assert foreign.status_code == 400 and _errors(foreign) == [("cursor", "cursor")]


@pytest.mark.parametrize(
    ("query", "status", "field", "reason"),
    [
        ("", 422, "q", "missing"),
        ("q=%20%20", 422, "q", "invalid"),
        ("q=x&zone=Asia/Atlantis", 422, "zone", "zone"),
        ("q=x&kind=party", 422, "kind", "invalid"),
        ("q=x&partner=atlantis", 422, "partner", "invalid"),
        ("q=x&from=2030-02-30", 422, "from", "invalid"),
        ("q=x&from=2030-03-02&to=2030-03-01", 422, "to", "invalid"),
        ("q=x&page=2", 400, "page", "unknown"),
        ("q=x&cursor=garbage", 400, "cursor", "cursor"),
    ],
)
def test_history_search_refuses_bad_queries(client, api_token, query, status, field, reason):
    _user, headers = api_token("viewer")
    answer = client.get(f"/api/v1/history/search?{query}", headers=headers)
    assert answer.status_code == status
    assert _errors(answer) == [(field, reason)]


def test_history_statistics(client, api_token, make_meeting):
    make_meeting(status=MeetingStatus.CONFIRMED, **_at(3, 5))
    make_meeting(status=MeetingStatus.CONFIRMED, partners=("busan",), kind="forum", **_at(4, 9))
    make_meeting(status=MeetingStatus.CANCELLED, **_at(4, 10))
    _user, headers = api_token("viewer")

    every = client.get("/api/v1/history/statistics", headers=headers)
    assert every.status_code == 200, every.json
    body = every.json
    assert (body["year"], body["partner"], body["total"], body["month_year"]) == (
        None,
        None,
        2,
        2030,
    )
    assert body["by_year"] == [{"year": 2030, "count": 2, "change": None, "percent": None}]
    assert (body["by_kind"]["video_link"], body["by_kind"]["forum"]) == (1, 1)
    assert body["by_month"] == [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert body["by_partner"] == [
        {"partner": "seoul", "counts": [{"year": 2030, "count": 1}], "total": 1},
        {"partner": "busan", "counts": [{"year": 2030, "count": 1}], "total": 1},
    ]

    seoul = client.get("/api/v1/history/statistics?partner=seoul&year=2030", headers=headers).json
    assert (seoul["year"], seoul["partner"], seoul["total"]) == (2030, "seoul", 1)
    other = client.get("/api/v1/history/statistics?year=2029", headers=headers).json
    assert other["total"] == 0
    for query, field in (("year=1800", "year"), ("year=soon", "year"), ("partner=x", "partner")):
        answer = client.get(f"/api/v1/history/statistics?{query}", headers=headers)
        assert answer.status_code == 422 and _errors(answer) == [(field, "invalid")], query
