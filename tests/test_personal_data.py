"""Item 12: everything held about one contact (JSON and page), and erasing it."""

import json
import re

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.invites.outbox.models import OutboxMessage
from tests.conftest import count
from tests.feeds_support import _fresh_feed_state  # noqa: F401
from tests.personal_data_support import EMAIL
from tests.test_history_search import hits

KEYS = {"format", "generated_at", "contact", "meetings", "visits", "mails", "feeds", "audit",
        "mentions"}  # fmt: skip


def _json(client, contact_id: int) -> dict:
    response = client.get(f"/contacts/{contact_id}/personal-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="contact-{contact_id}-personal-data.json"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    return json.loads(response.get_data(as_text=True))


def _erase(client, contact_id: int, **form):
    data = {"reason": "본인 요청 (2030-12-01 전화)", "confirm": "y", **form}
    return client.post(f"/contacts/{contact_id}/erase", data=data)


def _audit_text(db) -> str:
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    return json.dumps([[e.object_label, e.changes] for e in entries], ensure_ascii=False)


def test_the_json_holds_everything_about_the_contact(auth, client, db, person):
    contact, meeting, visit = person["contact"], person["meeting"], person["visit"]
    user = auth.login("coordinator", locale="en")
    data = _json(client, contact.id)
    assert set(data) == KEYS and data["format"] == "cnkr-scheduler-personal-data/1"
    profile = {k: v for k, v in data["contact"].items() if k not in ("created_at", "updated_at")}
    assert profile == {
        "id": contact.id, "family_name_ko": "박", "given_name_ko": "서연",
        "family_name_zh": "朴", "given_name_zh": "瑞妍", "romanized_family": "Park",
        "romanized_given": "Seo-yeon", "title_ko": "과장", "title_zh": "科长",
        "department_ko": "", "department_zh": "", "email": EMAIL, "phone": "+82 51 888 1234",
        "notes": "채식 / 素食", "working_hours": None, "language": "ko",
        "timezone": "Asia/Seoul", "is_active": True, "erased_at": None,
        "partner": {"slug": "busan", "name_zh": "釜山广域市", "name_ko": "부산광역시"},
    }  # fmt: skip
    assert data["meetings"] == [
        {
            "meeting_id": meeting.id, "title_zh": "东北亚论坛", "title_ko": "동북아 포럼",
            "title_en": "NE Asia Forum", "kind": "video_link", "status": meeting.status,
            "start": "2030-12-03T06:30:00+00:00", "end": "2030-12-03T08:00:00+00:00",
            "role": "participant", "rsvp_status": "accepted",
            "rsvp_at": "2030-11-21T02:00:00+00:00",
        }
    ]  # fmt: skip
    assert data["visits"] == [
        {
            "visit_id": visit.id, "title_zh": "首尔市代表团访问长春",
            "title_ko": "서울시 대표단 창춘 방문", "title_en": "", "start_date": "2030-12-03",
            "end_date": "2030-12-05", "role": "member", "member_title_zh": "团长助理",
            "member_title_ko": "단장 보좌",
        }
    ]  # fmt: skip
    assert data["mails"] == [
        {
            "id": person["mail"].id, "recipient": EMAIL, "kind": "mail",
            "subject": "초대: 동북아 포럼", "status": "sent",
            "created_at": "2030-11-20T01:00:00+00:00", "sent_at": "2030-11-20T01:00:00+00:00",
            "attempts": 1, "meeting_id": None,
            "body": "박서연 과장님, 동북아 포럼에 초대합니다.\n", "body_purged_at": None,
        }
    ]  # fmt: skip
    [feed] = data["feeds"]
    assert set(feed) == {"id", "language", "created_at", "rotated_at", "revoked_at",
                         "last_fetched_at", "fetch_count"}  # fmt: skip
    assert (feed["language"], feed["revoked_at"], feed["fetch_count"]) == ("ko", None, 0)
    token = person["feed"].rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in json.dumps(data)
    [created] = [e for e in data["audit"] if e["object_type"] == "contacts"]
    assert (created["action"], created["object_label"]) == ("create", "박서연")
    assert created["changes"]["email"] == [None, EMAIL]
    assert {e["object_type"] for e in data["audit"]} == {"contacts", "feeds", "visit_members"}
    assert data["mentions"] == {"outcomes": [], "follow_ups": []}
    produced = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "personal_data")
    ).all()
    assert [(e.user_id, e.object_id, e.changes) for e in produced] == [
        (user.id, contact.id, {"format": "json"})
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ["个人信息", "会议及回复", "东北亚论坛", "发给其本人的邮件", "下载JSON文件"]),
        ("ko", ["개인정보", "회의 및 회신", "동북아 포럼", "담당자에게 보낸 메일", "참석"]),
        ("en", ["Personal data", "Meetings and answers", "NE Asia Forum", "Mail sent to them"]),
    ],
)
def test_the_page_in_each_language(auth, client, person, lang, words):
    contact = person["contact"]
    auth.login("admin", locale=lang)
    detail = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f'href="/contacts/{contact.id}/personal-data"' in detail
    response = client.get(f"/contacts/{contact.id}/personal-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for word in [*words, EMAIL, "초대: 동북아 포럼", "박서연 과장님"]:
        assert word in html, word


def test_viewers_get_403_and_change_nothing(auth, client, db, person):
    contact = person["contact"]
    auth.login("viewer")
    for path in ("personal-data", "personal-data.json", "erase"):
        assert client.get(f"/contacts/{contact.id}/{path}").status_code == 403
    assert _erase(client, contact.id).status_code == 403
    assert db.session.get(Contact, contact.id).erased_at is None
    assert count(AuditEntry, AuditEntry.action.in_(("personal_data", "erase"))) == 0


def test_erasure_leaves_no_personal_data_but_keeps_the_counts(app, auth, client, db, person):
    contact, meeting = person["contact"], person["meeting"]
    user = auth.login("coordinator", locale="ko")
    assert hits(client, q="서연") == ["동북아 포럼"]
    assert client.get(person["feed"]).status_code == 200
    form = client.get(f"/contacts/{contact.id}/erase").get_data(as_text=True)
    assert "되돌릴 수 없습니다" in form
    response = _erase(client, contact.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/{contact.id}"
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert f"삭제된 담당자 #{contact.id}" in page and "개인정보가 삭제되었습니다" in page
    # Search, feed, mail body, audit: nothing left.
    assert hits(client, q="서연") == [] and hits(client, q="park") == []
    assert client.get(person["feed"]).status_code == 404
    mail = db.session.get(OutboxMessage, person["mail"].id)
    assert (mail.raw, mail.recipient, mail.subject) == (
        b"",
        f"contact-{contact.id}@erased.invalid",
        "초대: 동북아 포럼",
    )
    assert db.session.get(OutboxMessage, person["other_mail"].id).raw != b""
    audit = _audit_text(db)
    for trace in ("박서연", "朴瑞妍", "Seo-yeon", EMAIL, "+82 51 888 1234", "채식", "단장 보좌"):
        assert trace not in audit, trace
    [erased] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "erase")).all()
    assert (erased.user_id, erased.object_type, erased.object_id, erased.object_label) == (
        user.id,
        "contacts",
        contact.id,
        f"#{contact.id}",
    )
    assert erased.changes == {"reason": "본인 요청 (2030-12-01 전화)"}
    # The meeting still counts them, under the pseudonym in the reader's language.
    assert len(db.session.get(type(meeting), meeting.id).participants) == 1
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"삭제된 담당자 #{contact.id}" in html and "서연" not in html
    auth.logout()
    auth.login("coordinator", locale="en")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"Erased contact #{contact.id}" in html
    export = client.get("/history/export.csv?year=2030").get_data(as_text=True)
    assert f"Erased contact #{contact.id}" in export and "Seo-yeon" not in export
    # The report now says so, and shows the purged mail by its metadata only.
    data = _json(client, contact.id)
    assert data["contact"]["email"] is None and data["contact"]["family_name_ko"] == ""
    assert data["contact"]["erased_at"] is not None
    assert data["mails"][0]["body"] is None and data["mails"][0]["body_purged_at"]
    assert data["feeds"][0]["revoked_at"] is not None
    report = client.get(f"/contacts/{contact.id}/personal-data").get_data(as_text=True)
    assert "Content removed on" in report and "박서연" not in report


def test_bad_input_changes_nothing(auth, client, db, person):
    contact = person["contact"]
    auth.login("coordinator", locale="en")
    for path in ("personal-data", "personal-data.json", "erase"):
        assert client.get(f"/contacts/999999/{path}").status_code == 404
    assert _erase(client, 999999).status_code == 404
    response = _erase(client, contact.id, reason="  ")
    assert response.status_code == 400
    assert "Give the reason for the erasure." in response.get_data(as_text=True)
    response = _erase(client, contact.id, confirm="")
    assert response.status_code == 400
    assert "Confirm that the erasure cannot be undone." in response.get_data(as_text=True)
    response = _erase(client, contact.id, reason="x" * 501)
    assert response.status_code == 400
    assert db.session.get(Contact, contact.id).erased_at is None
    assert _erase(client, contact.id).status_code == 302
    again = _erase(client, contact.id)
    assert again.status_code == 409
    assert "This contact has already been erased." in again.get_data(as_text=True)
    edit = client.post(f"/contacts/{contact.id}/edit", data={"family_name_ko": "박"})
    assert edit.status_code == 409
    assert client.post(f"/contacts/{contact.id}/active", data={"active": "1"}).status_code == 409
    assert db.session.get(Contact, contact.id).family_name_ko == ""
    assert count(AuditEntry, AuditEntry.action == "erase") == 1


def test_erasure_needs_the_csrf_token(app, auth, client, db, person):
    contact = person["contact"]
    auth.login("coordinator", locale="en")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        form = client.get(f"/contacts/{contact.id}/erase").get_data(as_text=True)
        assert _erase(client, contact.id).status_code == 400
        assert _erase(client, contact.id, csrf_token="forged").status_code == 400
        assert db.session.get(Contact, contact.id).erased_at is None
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert _erase(client, contact.id, csrf_token=token).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(Contact, contact.id).erased_at is not None


def test_the_cli_exports_and_erases(app, db, person):
    contact = person["contact"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["contacts", "export-personal-data", EMAIL.upper()])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["contact"]["given_name_zh"] == "瑞妍"
    result = runner.invoke(args=["contacts", "erase", EMAIL, "--reason", "left", "--yes"])
    assert (result.exit_code, result.output) == (0, f"Erased contact #{contact.id}.\n")
    result = runner.invoke(args=["contacts", "erase", EMAIL, "--reason", "left", "--yes"])
    assert result.exit_code == 1 and f"No contact with e-mail {EMAIL!r}." in result.output
    result = runner.invoke(args=["contacts", "export-personal-data", "nobody@example.kr"])
    assert result.exit_code == 1
    assert count(AuditEntry, AuditEntry.action == "erase") == 1


def test_outcomes_naming_them_are_reported_and_scrubbed(auth, client, db, person):
    from scheduler.history.outcomes.models import MeetingOutcome

    contact, meeting = person["contact"], person["meeting"]
    db.session.add(MeetingOutcome(meeting_id=meeting.id, summary_ko="박서연 과장이 발표했다."))
    db.session.commit()
    auth.login("coordinator", locale="ko")
    mentions = _json(client, contact.id)["mentions"]["outcomes"]
    assert [(m["meeting_id"], m["summary_ko"]) for m in mentions] == [
        (meeting.id, "박서연 과장이 발표했다.")
    ]
    assert _erase(client, contact.id).status_code == 302
    outcome = db.session.scalars(sa.select(MeetingOutcome)).one()
    assert outcome.summary_ko == f"#{contact.id} 과장이 발표했다."
    assert hits(client, q="박서연") == [] and hits(client, q="발표") == ["동북아 포럼"]
