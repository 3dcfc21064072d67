"""The audit log reads as people speak: field labels from the forms, enum labels, dates and
times through timefmt, 是/否 and minutes, counters left out, in the reader's language."""

import html as html_text
import re
from datetime import UTC, datetime

import pytest

from scheduler.audit.models import AuditEntry

AT = datetime(2030, 3, 1, 8, 0, tzinfo=UTC)
MEETING_CHANGES = {
    "tech_check_minutes": [30, 45],
    "status": ["draft", "confirmed"],
    "kind": [None, "video_link"],
    "start_dt": ["2030-12-16T01:00:00+00:00", "2030-12-16T02:00:00+00:00"],
    "is_exception": [False, True],
    "sequence": [1, 2],
    "version": [3, 4],
}


def _changes(html: str) -> list[str]:
    """The visible lines of the first row's Changes cell."""
    cell = re.search(r'<td class="changes">(.*?)</td>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", cell, re.S)
    return [html_text.unescape(" ".join(re.sub(r"<[^>]+>", "", i).split())) for i in items]


def _add(db, user, object_type, changes, label="label"):
    db.session.add(AuditEntry(at=AT, user_id=user.id, action="update", object_type=object_type,
                              object_id=None, object_label=label, changes=changes))  # fmt: skip
    db.session.flush()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh", [
            "技术调试（开始前分钟数）：30 分钟 → 45 分钟",
            "状态：草稿 → 已确认",
            "类别：— → 视频连线",
            "开始：12月16日（周一）09:00（北京时间） → 12月16日（周一）10:00（北京时间）",
            "本场次单独修改：否 → 是",
        ]),
        ("ko", [
            "사전 기술 점검(시작 전 분): 30분 → 45분",
            "상태: 초안 → 확정",
            "구분: — → 화상회의",
            "시작: 12월 16일(월) 10:00(한국 시간) → 12월 16일(월) 11:00(한국 시간)",
            "이 회차만 따로 수정: 아니요 → 예",
        ]),
    ],
)  # fmt: skip
def test_meeting_changes_read_in_the_readers_language(auth, client, db, locale, expected):
    zone = {"zh": "Asia/Shanghai", "ko": "Asia/Seoul"}[locale]
    admin = auth.login("admin", locale=locale, timezone=zone)
    _add(db, admin, "meetings", MEETING_CHANGES)
    html = client.get(f"/audit/?user={admin.id}").get_data(as_text=True)
    assert _changes(html) == expected


def test_answers_roles_languages_and_people_by_name(auth, client, db, make_user):
    admin = auth.login("admin", locale="zh", timezone="Asia/Shanghai")
    owner = make_user("coordinator", name_zh="张伟")
    _add(db, admin, "participants", {"rsvp_status": ["needs_action", "accepted"]})
    html = client.get(f"/audit/?user={admin.id}").get_data(as_text=True)
    assert _changes(html) == ["回复：尚未回复 → 参加"]
    _add(db, admin, "users", {"locale": ["zh", "ko"], "role": ["viewer", "coordinator"]})
    html = client.get(f"/audit/?user={admin.id}").get_data(as_text=True)
    assert _changes(html) == ["语言：中文 → 한국어", "角色：查阅人员 → 协调员"]
    _add(
        db,
        admin,
        "follow_ups",
        {"owner_id": [admin.id, owner.id], "due_date": [None, "2030-05-04"]},
    )
    html = client.get(f"/audit/?user={admin.id}").get_data(as_text=True)
    assert _changes(html) == ["负责人：王芳 → 张伟", "截止日期：— → 5月4日（周六）"]
    assert "needs_action" not in html and "tech_check_minutes" not in html


def test_unknown_fields_and_odd_values_are_shown_as_they_are(auth, client, db):
    admin = auth.login("admin", locale="en", timezone="Asia/Shanghai")
    _add(db, admin, "meetings", {"made_up": ["2030-02-30", {"a": 1}], "password_hash": ["x", None]})
    html = client.get(f"/audit/?user={admin.id}").get_data(as_text=True)
    assert _changes(html) == ['made_up: 2030-02-30 → {"a": 1}', "Password: *** → —"]
