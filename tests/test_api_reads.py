"""The read resources: partners, meetings (filters, cursor pages, ETags), what each role sees,
problem documents in three languages, and the OpenAPI document."""

from datetime import UTC, datetime, timedelta

import pytest
from openapi_spec_validator import validate

from scheduler.meetings.services import add_participant

PROBLEM = "https://cnkr-scheduler.invalid/problems/"


def _at(day: int, hour: int = 6) -> dict:
    start = datetime(2030, 12, day, hour, 0, tzinfo=UTC)
    return {"start_dt": start, "end_dt": start + timedelta(hours=1)}


def test_partner_list_and_one_partner(client, api_token):
    _user, headers = api_token("viewer")
    listed = client.get("/api/v1/partners", headers=headers)
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    slugs = [p["slug"] for p in listed.json["items"]]
    assert "seoul" in slugs and "busan" in slugs
    seoul = client.get("/api/v1/partners/seoul", headers=headers).json
    assert seoul["name"] == {"zh": "首尔特别市", "ko": "서울특별시", "en": "Seoul"}
    assert seoul["timezone"] == "Asia/Seoul" and seoul["is_current"] is True
    missing = client.get("/api/v1/partners/atlantis", headers=headers)
    assert missing.status_code == 404 and missing.json["type"] == PROBLEM + "not-found"


def test_meeting_in_utc_with_planning_zone_and_contact_details_by_role(
    client, db, api_token, make_meeting, make_contact
):
    meeting = make_meeting(**_at(3, 6))
    contact = make_contact(phone="+82 2 1234 5678")
    add_participant(meeting, contact=contact)
    db.session.commit()
    _viewer, viewer = api_token("viewer")
    _coordinator, coordinator = api_token("coordinator")

    seen = client.get(f"/api/v1/meetings/{meeting.id}", headers=viewer).json
    assert (seen["start"], seen["end"]) == ("2030-12-03T06:00:00Z", "2030-12-03T07:00:00Z")
    assert seen["timezone"] == "Asia/Shanghai"
    assert seen["start_local"] == "2030-12-03T14:00:00+08:00"
    assert seen["title"] == {"zh": "中韩视频连线", "ko": "한중 화상회의", "en": ""}
    assert seen["partners"] == ["seoul"]
    person = seen["participants"][0]
    assert person["name"] == {"zh": "金敏洙", "ko": "김민수", "en": "Min-su KIM"}
    assert "email" not in person and "phone" not in person

    full = client.get(f"/api/v1/meetings/{meeting.id}", headers=coordinator).json
    assert full["participants"][0]["email"] == contact.email
    assert full["participants"][0]["phone"] == "+82 2 1234 5678"


def test_meeting_etag_and_304(client, api_token, make_meeting):
    meeting = make_meeting()
    _user, headers = api_token("viewer")
    first = client.get(f"/api/v1/meetings/{meeting.id}", headers=headers)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(f"/api/v1/meetings/{meeting.id}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(
        f"/api/v1/meetings/{meeting.id}", headers={**headers, "If-None-Match": '"x"'}
    )
    assert other.status_code == 200
    assert client.get("/api/v1/meetings/2147483647", headers=headers).status_code == 404


def test_meeting_filters(client, db, api_token, make_meeting):
    seoul = make_meeting(**_at(3))
    busan = make_meeting(partners=("busan",), kind="inspection", **_at(5))
    late = make_meeting(**_at(20, 17))  # 21 Dec 01:00 in Changchun, 02:00 in Seoul
    _user, headers = api_token("viewer")

    def ids(**query):
        answer = client.get("/api/v1/meetings", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.json
        return [m["id"] for m in answer.json["items"]]

    assert ids() == [seoul.id, busan.id, late.id]
    assert ids(partner="busan") == [busan.id]
    assert ids(kind="inspection") == [busan.id]
    assert ids(status="draft") == [seoul.id, busan.id, late.id]
    assert ids(**{"from": "2030-12-04", "to": "2030-12-20"}) == [busan.id]
    assert ids(**{"from": "2030-12-21", "to": "2030-12-21", "zone": "Asia/Seoul"}) == [late.id]
    assert ids(**{"from": "2030-12-20", "to": "2030-12-20", "zone": "America/New_York"}) == [
        late.id
    ]
    assert ids(updated_since="2000-01-01T00:00:00Z") == [seoul.id, busan.id, late.id]
    assert ids(updated_since="2999-01-01T00:00:00+09:00") == []


def test_pagination_through_link_headers(client, api_token, make_meeting):
    made = [make_meeting(**_at(day)).id for day in (1, 2, 3, 4, 5)]
    _user, headers = api_token("viewer")
    seen, url = [], "/api/v1/meetings?limit=2&partner=seoul"
    while url:
        answer = client.get(url, headers=headers)
        seen += [m["id"] for m in answer.json["items"]]
        links = dict(
            (part.split("; rel=")[1].strip('"'), part.split(";")[0].strip()[1:-1])
            for part in answer.headers["Link"].split(", ")
        )
        assert links["first"] == "http://localhost/api/v1/meetings?limit=2&partner=seoul"
        url = links.get("next", "").replace("http://localhost", "")
        assert (answer.json["next_cursor"] is None) == (url == "")
    assert seen == made


@pytest.mark.parametrize(
    ("query", "status", "field", "reason"),
    [
        ({"colour": "red"}, 400, "colour", "unknown"),
        ({"updated_since": "2030-12-01T09:00:00"}, 400, "updated_since", "naive"),
        ({"cursor": "garbage"}, 400, "cursor", "cursor"),
        ({"zone": "Mars/Olympus"}, 422, "zone", "zone"),
        ({"kind": "party"}, 422, "kind", "invalid"),
        ({"limit": "1000"}, 422, "limit", "invalid"),
        ({"from": "2030-13-01"}, 422, "from", "invalid"),
        ({"partner": "atlantis"}, 422, "partner", "invalid"),
    ],
)
def test_bad_queries_are_problems(client, api_token, query, status, field, reason):
    _user, headers = api_token("viewer")
    answer = client.get("/api/v1/meetings", query_string=query, headers=headers)
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"
    assert [(e["name"], e["reason"]) for e in answer.json["errors"]] == [(field, reason)]


def test_a_cursor_from_another_list_is_refused(client, api_token, make_meeting):
    for day in (1, 2, 3):
        make_meeting(**_at(day))
    _user, headers = api_token("viewer")
    cursor = client.get("/api/v1/meetings?limit=1", headers=headers).json["next_cursor"]
    assert (
        client.get(f"/api/v1/meetings?limit=1&cursor={cursor}", headers=headers).status_code == 200
    )
    foreign = client.get(f"/api/v1/meetings?kind=forum&cursor={cursor}", headers=headers)
    assert foreign.status_code == 400 and foreign.json["errors"][0]["reason"] == "cursor"


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("en", "There is nothing at this address."),
        ("zh-CN,zh;q=0.9", "此地址下没有任何内容。"),
        ("ko-KR,ko;q=0.9", "이 주소에는 아무것도 없습니다."),
        ("fr", "There is nothing at this address."),
    ],
)
def test_problem_detail_follows_accept_language(client, api_token, lang, detail):
    _user, headers = api_token("viewer", lang=lang)
    answer = client.get("/api/v1/partners/atlantis", headers=headers)
    assert answer.json == {
        "type": PROBLEM + "not-found",
        "title": "Not Found",
        "status": 404,
        "detail": detail,
    }


def test_routing_errors_under_the_api_are_problems(client, api_token):
    _user, headers = api_token("viewer", lang="ko")
    unknown = client.get("/api/v1/nothing-here", headers=headers)
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/partners", headers=headers)
    assert wrong.status_code == 405 and wrong.json["type"] == PROBLEM + "method-not-allowed"
    assert wrong.json["detail"] == "이 주소에서는 이 방법을 사용할 수 없습니다."
    assert "GET" in wrong.headers["Allow"]
    page = client.get("/no-such-page")
    assert page.mimetype == "text/html"  # the pages keep their own error pages


def test_openapi_document_is_valid_and_lists_every_route(app, client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json
    assert document["openapi"] == "3.1.0"
    validate(document)
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    routes = {
        (rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_v1_")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes and routes <= documented
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "js/api-docs.js" in docs.get_data(as_text=True)
