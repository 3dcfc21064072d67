"""Change notices say what changed (issue 11, item 6): an update mail lists old → new for
the time (both clocks, in the reader's language), place, join details and status, only what
changed; a first invitation has none; staff are told how many people a change e-mails."""

from datetime import UTC, datetime

import pytest

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.invites_support import change

pytestmark = pytest.mark.usefixtures("smtp_app")
HEADERS = ("What has changed", "变更内容", "변경 사항")
LATER = {  # 2030-12-03 16:00–17:30 Changchun (was 14:30–16:00)
    "start_dt": datetime(2030, 12, 3, 8, 0, tzinfo=UTC),
    "end_dt": datetime(2030, 12, 3, 9, 30, tzinfo=UTC),
}


@pytest.fixture
def readers(make_user, make_contact):
    """The organizer and a Korean, a Chinese and an English reader."""
    return {
        "organizer": make_user("coordinator", name_zh="王芳", name_ko="왕팡", locale="zh"),
        "ko": make_contact(language="ko", timezone="Asia/Seoul"),
        "zh": make_contact(language="zh", timezone="Asia/Shanghai"),
        "en": make_contact(language="en", timezone="Asia/Seoul"),
    }


@pytest.fixture
def confirmed(app, db, make_meeting, readers, mail):
    """A confirmed video link all three readers were invited to (first invites delivered)."""

    def make(**fields) -> tuple[int, dict]:
        meeting = make_meeting(organizer=readers["organizer"], location_zh="长春会议室",
                               location_ko="창춘 회의실", **fields)  # fmt: skip
        for key in ("ko", "zh", "en"):
            services.add_participant(meeting, contact=readers[key])
        db.session.commit()
        change(app, Meeting, meeting.id, services.confirm)
        return meeting.id, mail()

    return make


def _text(received, readers, lang) -> str:
    [message] = received[readers[lang].email]
    return message.text().replace("\r\n", "\n")


def _changes(text: str) -> list[str]:
    """The lines of the "what changed" list, header included ([] when there is none)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(HEADERS)), None)
    if start is None:
        return []
    end = lines.index("", start)
    return lines[start:end]


def _update(app, meeting_id, **data):
    change(app, Meeting, meeting_id, lambda m: services.update_meeting(m, data))


def test_first_invitations_have_no_list(confirmed, readers):
    _id, first = confirmed()
    for lang in ("ko", "zh", "en"):
        text = _text(first, readers, lang)
        assert _changes(text) == [] and "→" not in text
        assert "→" not in first[readers[lang].email][0].text("text/html")


def test_a_new_time_on_both_clocks_in_each_language(app, confirmed, readers, mail):
    meeting_id, _first = confirmed()
    _update(app, meeting_id, **LATER)
    received = mail()
    assert _changes(_text(received, readers, "zh")) == [
        "变更内容（变更前 → 变更后）：",
        "时间：12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间） → "
        "12月3日（周二）16:00–17:30（北京时间） / 17:00–18:30（首尔时间）",
    ]
    assert _changes(_text(received, readers, "ko")) == [
        "변경 사항(변경 전 → 변경 후):",
        "시간: 12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간) → "
        "12월 3일(화) 17:00~18:30(한국 시간) / 16:00~17:30(중국 시간)",
    ]
    assert _changes(_text(received, readers, "en")) == [
        "What has changed (before → after):",
        "Time: Tue, Dec 3 3:30 PM–5:00 PM Seoul time / 2:30 PM–4:00 PM Changchun time → "
        "Tue, Dec 3 5:00 PM–6:30 PM Seoul time / 4:00 PM–5:30 PM Changchun time",
    ]
    html = received[readers["ko"].email][0].text("text/html")
    assert "<li>시간: 12월 3일(화) 15:30~17:00(한국 시간)" in html


def test_a_new_place_lists_only_the_place(app, confirmed, readers, mail):
    meeting_id, _first = confirmed()
    _update(app, meeting_id, location_zh="首尔市厅", location_ko="서울시청")
    received = mail()
    assert _changes(_text(received, readers, "zh")) == [
        "变更内容（变更前 → 变更后）：",
        "地点：长春会议室 → 首尔市厅",
    ]
    assert _changes(_text(received, readers, "ko")) == [
        "변경 사항(변경 전 → 변경 후):",
        "장소: 창춘 회의실 → 서울시청",
    ]


def test_new_join_details_and_an_empty_value(app, confirmed, readers, mail):
    meeting_id, _first = confirmed(join_url="https://meeting.example.cn/old", passcode="1234")
    _update(app, meeting_id, join_url="https://meeting.example.cn/new", passcode="",
            meeting_code="987 654 321")  # fmt: skip
    received = mail()
    assert _changes(_text(received, readers, "zh")) == [
        "变更内容（变更前 → 变更后）：",
        "入会链接：https://meeting.example.cn/old → https://meeting.example.cn/new",
        "会议号：（无） → 987 654 321",
        "会议密码：1234 → （无）",
    ]
    assert _changes(_text(received, readers, "ko"))[1:] == [
        "참가 링크: https://meeting.example.cn/old → https://meeting.example.cn/new",
        "회의 ID: (없음) → 987 654 321",
        "회의 암호: 1234 → (없음)",
    ]


def test_two_changes_in_a_row_each_compare_with_the_last_message(app, confirmed, readers, mail):
    meeting_id, _first = confirmed()
    _update(app, meeting_id, location_zh="首尔市厅", location_ko="서울시청")
    _update(app, meeting_id, location_zh="釜山市厅", location_ko="부산시청")
    first, second = mail()[readers["zh"].email]
    assert _changes(first.text().replace("\r\n", "\n"))[1:] == ["地点：长春会议室 → 首尔市厅"]
    assert _changes(second.text().replace("\r\n", "\n"))[1:] == ["地点：首尔市厅 → 釜山市厅"]


def test_two_changes_in_one_transaction_compare_with_what_was_sent(app, confirmed, readers, mail):
    """Postponed, then moved (the reschedule's two signals make one message): the list
    compares with the postponement the reader got, not with an intermediate state."""
    meeting_id, _first = confirmed()
    change(app, Meeting, meeting_id, lambda m: services.postpone(m, "日程调整"))
    [postponed] = mail()[readers["zh"].email]
    assert _changes(postponed.text().replace("\r\n", "\n"))[1:] == ["状态：已确认 → 已推迟"]

    def both(meeting):
        services.update_meeting(meeting, {"location_zh": "首尔市厅"})
        services.reschedule(meeting, LATER["start_dt"], LATER["end_dt"])

    change(app, Meeting, meeting_id, both)
    [moved] = mail()[readers["zh"].email]
    assert _changes(moved.text().replace("\r\n", "\n"))[1:] == [
        "时间：12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间） → "
        "12月3日（周二）16:00–17:30（北京时间） / 17:00–18:30（首尔时间）",
        "地点：长春会议室 → 首尔市厅",
        "状态：已推迟 → 待定",
    ]


def test_a_change_a_calendar_does_not_show_sends_nothing(app, confirmed, readers, mail):
    meeting_id, _first = confirmed()
    _update(app, meeting_id, title_zh="新标题")
    assert mail() == {}


def _post(client, meeting_id, action, **data):
    version = str(db.session.get(Meeting, meeting_id).version)
    return client.post(f"/meetings/{meeting_id}/{action}", data={"version": version, **data},
                       follow_redirects=True)  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "confirmed_text", "cancelled_text"),
    [
        ("zh", "已确认会议，将向 3 人发送通知。", "已取消会议，将向 3 人发送通知。"),
        ("ko", "회의를 확정했습니다. 3명에게 안내 메일을 보냅니다.",
         "회의를 취소했습니다. 3명에게 안내 메일을 보냅니다."),
        ("en", "The meeting has been confirmed. 3 people will be notified by e-mail.",
         "The meeting has been cancelled. 3 people will be notified by e-mail."),
    ],
)  # fmt: skip
def test_staff_see_how_many_people_are_mailed(
    auth, client, db, make_meeting, readers, lang, confirmed_text, cancelled_text
):
    auth.login("coordinator", locale=lang)
    meeting = make_meeting(organizer=readers["organizer"])
    for key in ("ko", "zh", "en"):
        services.add_participant(meeting, contact=readers[key])
    db.session.commit()
    assert confirmed_text in _post(client, meeting.id, "confirm").get_data(as_text=True)
    assert cancelled_text in _post(client, meeting.id, "cancel", reason="日程调整").get_data(
        as_text=True
    )


def test_counts_after_postpone_and_removal_and_when_nobody_is_mailed(
    auth, client, db, make_meeting, readers
):
    auth.login("coordinator", locale="zh")
    alone = make_meeting(organizer=readers["organizer"])
    meeting = make_meeting(organizer=readers["organizer"], title_zh="第二场")
    ko = services.add_participant(meeting, contact=readers["ko"]).id
    services.add_participant(meeting, contact=readers["zh"])
    db.session.commit()
    assert "已确认会议，无需发送通知。" in _post(client, alone.id, "confirm").get_data(as_text=True)
    assert "已确认会议，将向 2 人发送通知。" in _post(client, meeting.id, "confirm").get_data(
        as_text=True
    )
    html = _post(client, meeting.id, "postpone", reason="日程调整").get_data(as_text=True)
    assert "已推迟会议，将向 2 人发送通知。" in html
    response = client.post(f"/meetings/{meeting.id}/participants/{ko}/remove",
                           follow_redirects=True)  # fmt: skip
    assert "已移除该参会人员，将向 1 人发送通知。" in response.get_data(as_text=True)


def test_a_refused_action_mails_nobody_and_says_why(auth, client, db, make_meeting, readers):
    auth.login("coordinator", locale="zh")
    meeting = make_meeting(organizer=readers["organizer"])
    response = _post(client, meeting.id, "cancel", reason="  ")
    html = response.get_data(as_text=True)
    assert "请填写原因。" in html and "发送通知" not in html
    assert db.session.get(Meeting, meeting.id).status == "draft"
