"""Series changes through the API: create (201, Location, ETag; people; 409 clashes), the
series page's actions with If-Match on the series' ETag (428, 412), invitations through the
outbox in the contact's language, write scope, and bad bodies refused with nothing changed."""

import email
from email import policy

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings.models import Meeting, Participant
from scheduler.meetings.series.models import MeetingSeries
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


def _mail_to(address: str):
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
    rows = list(OutboxMessage.query.session.scalars(query.order_by(OutboxMessage.id)))
    return [email.message_from_bytes(row.raw, policy=policy.default) for row in rows]


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
    assert _mail_to(kim.email) == []  # drafts send nothing
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
    [invite] = _mail_to(kim.email)  # one invitation for the whole series
    assert invite["Content-Language"] == "ko"
    assert "한중 정례회의" in invite["Subject"] and "中韩" not in invite["Subject"]
    assert "RRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=1;BYDAY=TU,TH;WKST=MO" in _calendar(invite)
    again = client.post(
        created.headers["Location"] + "/confirm",
        headers=_match(client, headers, created.headers["Location"]),
    )
    assert again.status_code == 400
    assert again.json["detail"] == "There is nothing left to confirm in this series."
