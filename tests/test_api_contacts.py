"""Contacts and partner edits through the API: what each role sees, create, PATCH with
If-Match (428, 412, never a lost update), deactivate, bad input, audit entries."""

import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.contacts.services import set_active
from scheduler.partners.services import get_partner
from scheduler.privacy.erasure import erase_contact

PROBLEM = "https://cnkr-scheduler.invalid/problems/"


def _audits(db, object_type: str, object_id: int) -> list[tuple[str, dict]]:
    query = sa.select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == object_id
    )
    return [(e.action, e.changes) for e in db.session.scalars(query.order_by(AuditEntry.id))]


def _errors(answer) -> list[tuple[str, str]]:
    return [(e["name"], e["reason"]) for e in answer.json["errors"]]


def test_a_contact_as_each_role_sees_it(client, api_token, make_contact):
    contact = make_contact(phone="+82 2 1234 5678", title_ko="과장", department_zh="国际交流处")
    _viewer, viewer = api_token("viewer")
    _coordinator, coordinator = api_token("coordinator")

    seen = client.get(f"/api/v1/contacts/{contact.id}", headers=viewer)
    assert seen.status_code == 200 and seen.headers["ETag"].startswith('"')
    body = seen.json
    assert body == {
        "id": contact.id,
        "partner": "seoul",
        "name": {"zh": "金敏洙", "ko": "김민수", "en": "Min-su KIM"},
        "family_name": {"zh": "金", "ko": "김", "en": "Kim"},
        "given_name": {"zh": "敏洙", "ko": "민수", "en": "Min-su"},
        "title": {"zh": "", "ko": "과장"},
        "department": {"zh": "国际交流处", "ko": ""},
        "language": "ko",
        "timezone": "Asia/Seoul",
        "working_hours": None,
        "notes": "",
        "is_active": True,
        "erased": False,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert body["created_at"].endswith("Z")
    full = client.get(f"/api/v1/contacts/{contact.id}", headers=coordinator).json
    assert (full["email"], full["phone"]) == (contact.email, "+82 2 1234 5678")
    again = client.get(
        f"/api/v1/contacts/{contact.id}", headers={**viewer, "If-None-Match": seen.headers["ETag"]}
    )
    assert again.status_code == 304
    missing = client.get("/api/v1/contacts/2147483647", headers=viewer)
    assert missing.status_code == 404 and missing.json["type"] == PROBLEM + "not-found"


def test_list_filters_by_partner_and_active_in_cursor_pages(client, db, api_token, make_contact):
    first = make_contact(family_name_ko="가")
    second = make_contact(family_name_ko="나")
    busan = make_contact("busan", family_name_ko="다")
    gone = make_contact(family_name_ko="라")
    set_active(gone, False)
    db.session.commit()
    _user, headers = api_token("viewer")

    def ids(**query):
        answer = client.get("/api/v1/contacts", query_string=query, headers=headers)
        assert answer.status_code == 200, answer.json
        return [c["id"] for c in answer.json["items"]]

    assert ids(partner="seoul") == [first.id, second.id, gone.id]
    assert ids(partner="seoul", active="true") == [first.id, second.id]
    assert ids(active="false", partner="seoul") == [gone.id]
    assert ids(partner="busan") == [busan.id]

    page = client.get("/api/v1/contacts?partner=seoul&limit=2", headers=headers)
    assert [c["id"] for c in page.json["items"]] == [first.id, second.id]
    assert 'rel="next"' in page.headers["Link"]
    cursor = page.json["next_cursor"]
    rest = client.get(f"/api/v1/contacts?partner=seoul&limit=2&cursor={cursor}", headers=headers)
    assert [c["id"] for c in rest.json["items"]] == [gone.id]
    assert rest.json["next_cursor"] is None and 'rel="next"' not in rest.headers["Link"]
    foreign = client.get(f"/api/v1/contacts?partner=busan&limit=2&cursor={cursor}", headers=headers)
    assert foreign.status_code == 400 and _errors(foreign) == [("cursor", "cursor")]
    unknown = client.get("/api/v1/contacts?partner=atlantis", headers=headers)
    assert unknown.status_code == 422 and _errors(unknown) == [("partner", "invalid")]
    misspelt = client.get("/api/v1/contacts?partnr=seoul", headers=headers)
    assert misspelt.status_code == 400 and _errors(misspelt) == [("partnr", "unknown")]


def test_create_a_contact(client, db, api_token):
    user, headers = api_token("coordinator", scope="write")
    answer = client.post(
        "/api/v1/contacts",
        json={
            "partner": "busan",
            "family_name_ko": "박",
            "given_name_ko": "지영",
            "romanized_family": "Park",
            "romanized_given": "Ji-young",
            "email": " Ji.Park@Busan.GO.KR ",
            "working_hours": "mon-fri 09:00-18:00",
        },
        headers=headers,
    )
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert answer.headers["Location"].endswith(f"/api/v1/contacts/{body['id']}")
    assert body["name"] == {"zh": "", "ko": "박지영", "en": "Ji-young PARK"}
    assert (body["partner"], body["timezone"], body["language"]) == ("busan", "Asia/Seoul", "ko")
    assert body["email"] == "ji.park@busan.go.kr"
    assert body["working_hours"] == "Mon-Fri 09:00-18:00"
    assert (
        answer.headers["ETag"]
        == client.get(f"/api/v1/contacts/{body['id']}", headers=headers).headers["ETag"]
    )
    entries = _audits(db, "contacts", body["id"])
    assert [action for action, _changes in entries] == ["create"]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == body["id"]))
    assert {e.user_id for e in entry if e.object_type == "contacts"} == {user.id}


def test_create_refuses_bad_input_and_saves_nothing(client, db, api_token, make_contact):
    taken = make_contact()
    _user, headers = api_token("coordinator", scope="write", lang="zh-CN")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Contact))

    def post(**body):
        return client.post("/api/v1/contacts", json={"partner": "seoul", **body}, headers=headers)

    unknown = post(family_name_ko="이", nickname="Lee")
    assert unknown.status_code == 400 and _errors(unknown) == [("nickname", "unknown")]
    wrong_type = post(family_name_ko=7)
    assert wrong_type.status_code == 422 and _errors(wrong_type) == [("family_name_ko", "invalid")]
    no_name = post(given_name_ko="민수")
    assert no_name.status_code == 422 and _errors(no_name) == [("family_name_ko", "invalid")]
    assert no_name.json["detail"] == "请至少用一种文字填写姓氏。"
    duplicate = post(family_name_ko="이", email=taken.email.upper())
    assert duplicate.status_code == 422 and _errors(duplicate) == [("email", "invalid")]
    assert duplicate.json["detail"] == "该电子邮箱已被其他联系人使用。"
    zone = post(family_name_ko="이", timezone="Asia/Atlantis")
    assert zone.status_code == 422 and _errors(zone) == [("timezone", "invalid")]
    hours = post(family_name_ko="이", working_hours="whenever")
    assert hours.status_code == 422 and _errors(hours) == [("working_hours", "invalid")]
    language = post(family_name_ko="이", language="fr")
    assert language.status_code == 422 and _errors(language) == [("language", "invalid")]
    partner = post(family_name_ko="이", partner="atlantis")
    assert partner.status_code == 422 and _errors(partner) == [("partner", "invalid")]
    control = post(family_name_ko="이\x00")
    assert control.status_code == 422 and _errors(control) == [("family_name_ko", "invalid")]
    malformed = client.post(
        "/api/v1/contacts", data="{", content_type="application/json", headers=headers
    )
    assert malformed.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == before


def test_changes_need_a_write_token_of_an_editor(client, db, api_token, make_contact):
    contact = make_contact()
    for role, scope in (("coordinator", "read"), ("viewer", "write")):
        _user, headers = api_token(role, scope=scope)
        etag = client.get(f"/api/v1/contacts/{contact.id}", headers=headers).headers["ETag"]
        changes = (
            client.post("/api/v1/contacts", json={"partner": "seoul"}, headers=headers),
            client.patch(
                f"/api/v1/contacts/{contact.id}",
                json={"phone": "1"},
                headers={**headers, "If-Match": etag},
            ),
            client.post(f"/api/v1/contacts/{contact.id}/deactivate", headers=headers),
        )
        assert [c.status_code for c in changes] == [403, 403, 403]
        assert changes[0].json["type"] == PROBLEM + "forbidden"
    db.session.refresh(contact)
    assert (contact.phone, contact.is_active) == ("", True)


def test_patch_with_if_match(client, db, api_token, make_contact):
    contact = make_contact()
    _user, headers = api_token("coordinator", scope="write", lang="ko")
    url = f"/api/v1/contacts/{contact.id}"
    etag = client.get(url, headers=headers).headers["ETag"]

    missing = client.patch(url, json={"title_ko": "국장"}, headers=headers)
    assert missing.status_code == 428 and missing.json["type"] == PROBLEM + "precondition-required"
    assert missing.json["detail"] == (
        "다른 변경 내용을 덮어쓰지 않도록 "
        "마지막으로 조회하신 ETag를 If-Match 헤더에 담아 보내 주십시오."
    )
    star = client.patch(url, json={"title_ko": "국장"}, headers={**headers, "If-Match": "*"})
    assert star.status_code == 428

    changed = client.patch(
        url,
        json={"title_ko": "국장", "phone": "+82 51 888 1234"},
        headers={**headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["title"] == {"zh": "", "ko": "국장"}
    assert changed.json["phone"] == "+82 51 888 1234"
    assert changed.json["name"]["ko"] == "김민수"  # fields not sent stay as they were
    assert changed.headers["ETag"] != etag
    assert changed.headers["ETag"] == client.get(url, headers=headers).headers["ETag"]

    stale = client.patch(url, json={"title_ko": "과장"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.json["type"] == PROBLEM + "precondition-failed"
    assert stale.json["detail"] == "조회하신 뒤에 이 기록이 변경되었습니다."
    db.session.refresh(contact)
    assert contact.title_ko == "국장"  # the stale change was not saved
    actions = [action for action, _changes in _audits(db, "contacts", contact.id)]
    assert actions == ["create", "update"]

    fresh = changed.headers["ETag"]
    bad = client.patch(
        url, json={"email": "not an address"}, headers={**headers, "If-Match": fresh}
    )
    assert bad.status_code == 422 and _errors(bad) == [("email", "invalid")]
    assert bad.json["detail"] == "올바른 이메일 주소가 아닙니다."
    moved = client.patch(url, json={"partner": "busan"}, headers={**headers, "If-Match": fresh})
    assert moved.status_code == 400 and _errors(moved) == [("partner", "unknown")]
    gone = client.patch(
        "/api/v1/contacts/2147483647", json={"phone": "1"}, headers={**headers, "If-Match": fresh}
    )
    assert gone.status_code == 404


def test_deactivate_and_an_erased_contact(client, db, api_token, make_contact):
    contact, erased = make_contact(), make_contact()
    erase_contact(erased, "asked by the person")
    db.session.commit()
    _user, headers = api_token("coordinator", scope="write", lang="en")

    answer = client.post(f"/api/v1/contacts/{contact.id}/deactivate", headers=headers)
    assert answer.status_code == 200 and answer.json["is_active"] is False
    db.session.refresh(contact)
    assert contact.is_active is False
    assert _audits(db, "contacts", contact.id)[-1] == ("deactivate", {"is_active": [True, False]})

    seen = client.get(f"/api/v1/contacts/{erased.id}", headers=headers)
    assert seen.json["erased"] is True and "email" not in seen.json
    refused = client.post(f"/api/v1/contacts/{erased.id}/deactivate", headers=headers)
    assert refused.status_code == 409
    assert refused.json["detail"] == "This contact has been erased and can no longer be changed."
    patched = client.patch(
        f"/api/v1/contacts/{erased.id}",
        json={"phone": "1"},
        headers={**headers, "If-Match": seen.headers["ETag"]},
    )
    assert patched.status_code == 409
    assert client.post("/api/v1/contacts/2147483647/deactivate", headers=headers).status_code == 404


def test_partner_edit_with_if_match(client, db, api_token):
    _viewer, viewer = api_token("viewer", scope="write")
    _user, headers = api_token("admin", scope="write")
    url = "/api/v1/partners/busan"
    etag = client.get(url, headers=headers).headers["ETag"]

    assert (
        client.patch(url, json={"notes_zh": "x"}, headers={**viewer, "If-Match": etag}).status_code
        == 403
    )
    assert client.patch(url, json={"notes_zh": "x"}, headers=headers).status_code == 428
    changed = client.patch(
        url,
        json={
            "notes_zh": "友好城市",
            "seat_en": "Busan City Hall",
            "working_hours": "Mon-Fri 09:00-18:00",
        },
        headers={**headers, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["notes"] == {"zh": "友好城市", "ko": ""}
    assert changed.json["seat"]["en"] == "Busan City Hall"
    assert changed.json["working_hours"] == "Mon-Fri 09:00-18:00"
    partner = get_partner("busan")
    assert {"notes_zh", "seat_en", "working_hours"} <= set(partner.edited_fields)
    action, changes = _audits(db, "partners", partner.id)[-1]
    assert action == "update" and changes["notes_zh"] == ["", "友好城市"]

    stale = client.patch(url, json={"notes_zh": "旧的"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    fresh = {**headers, "If-Match": changed.headers["ETag"]}
    for body, field in (
        ({"iso_code": "KR-1"}, "iso_code"),
        ({"name_en": ""}, "name_en"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ):
        refused = client.patch(url, json=body, headers=fresh)
        assert refused.status_code == 422 and _errors(refused) == [(field, "invalid")], body
    assert client.patch(url, json={"slug": "pusan"}, headers=fresh).status_code == 400
    assert client.patch(url, json={"seat_en": 1}, headers=fresh).status_code == 422
    assert client.patch("/api/v1/partners/atlantis", json={}, headers=fresh).status_code == 404
    db.session.refresh(partner)
    assert partner.notes_zh == "友好城市"


def test_erase_with_a_reason_and_if_match(client, db, api_token, make_contact):
    """As on the contact's page: irreversible, audited with the reason, the name a pseudonym."""
    contact = make_contact()
    _user, headers = api_token("coordinator", scope="write", lang="zh")
    url = f"/api/v1/contacts/{contact.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    erase = f"{url}/erase"

    missing = client.post(erase, json={"reason": "本人要求"}, headers=headers)
    assert missing.status_code == 428
    blank = client.post(erase, json={"reason": ""}, headers={**headers, "If-Match": etag})
    assert blank.status_code == 422 and _errors(blank) == [("reason", "invalid")]
    reasonless = client.post(erase, json={}, headers={**headers, "If-Match": etag})
    assert reasonless.status_code == 422 and _errors(reasonless) == [("reason", "missing")]
    db.session.refresh(contact)
    assert contact.erased_at is None  # nothing changed so far

    erased = client.post(erase, json={"reason": "本人要求"}, headers={**headers, "If-Match": etag})
    assert erased.status_code == 200, erased.json
    assert erased.json["erased"] is True and "email" not in erased.json
    assert erased.json["name"]["ko"] != "김민수"
    assert _audits(db, "contacts", contact.id)[-1] == ("erase", {"reason": "本人要求"})
    again = client.post(
        erase, json={"reason": "本人要求"}, headers={**headers, "If-Match": erased.headers["ETag"]}
    )
    assert again.status_code == 409

    _viewer, read = api_token("viewer", scope="write")
    other = make_contact()
    refused = client.post(
        f"/api/v1/contacts/{other.id}/erase",
        json={"reason": "x"},
        headers={**read, "If-Match": "x"},
    )
    assert refused.status_code == 403
