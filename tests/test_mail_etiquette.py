"""What partners receive reads like a letter from the office (issue 11, items 1 and 5): the
From name, the salutation with the contact's title, greeting, closing and signature in each
language; the organizer is not invited in their own name; removal and cancellation wording;
the office's names are settings."""

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.reminders.services import enqueue_due_reminders
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.invites_support import add_person, change, decoded_header

pytestmark = pytest.mark.usefixtures("smtp_app")
OFFICE = "foreign-affairs@cnkr-zone.example.cn"
OFFICE_KO = "중한(창춘)국제협력시범구 외사판공실"
OFFICE_ZH = "中韩（长春）国际合作示范区外事办公室"
OFFICE_EN = (
    "Foreign Affairs Office, China–ROK (Changchun) International Cooperation Demonstration Zone"
)


# Titled Korean and Chinese readers, an English reader with only a Korean title, and a
# Korean reader with neither title nor Hangul name.
CONTACTS = {
    "ko": {"family_name_ko": "김", "given_name_ko": "민준", "title_ko": "국제협력과장",
           "title_zh": "处长"},
    "zh": {"family_name_ko": "최", "given_name_ko": "수진", "family_name_zh": "崔",
           "given_name_zh": "秀珍", "title_zh": "组长", "title_ko": "팀장", "language": "zh"},
    "en": {"family_name_ko": "박", "given_name_ko": "지훈", "romanized_family": "Park",
           "romanized_given": "Ji-hoon", "title_ko": "주무관", "title_zh": "主务官",
           "language": "en"},
    "bare": {"family_name_ko": "", "given_name_ko": "", "family_name_zh": "尹",
             "given_name_zh": "在元", "romanized_family": "Yoon", "romanized_given": "Jae-won"},
}  # fmt: skip


@pytest.fixture
def people(make_user, make_contact):
    """The organizer (王芳, reads Chinese) and the contacts of CONTACTS."""
    organizer = make_user("coordinator", name_zh="王芳", name_ko="왕팡", locale="zh")
    return {"organizer": organizer, **{k: make_contact(**v) for k, v in CONTACTS.items()}}


def _invite_all(app, db, make_meeting, people, **fields) -> int:
    meeting = make_meeting(organizer=people["organizer"], **fields)
    for key in ("ko", "zh", "en", "bare"):
        services.add_participant(meeting, contact=people[key])
    services.add_participant(meeting, "host", user=people["organizer"])
    db.session.commit()
    change(app, Meeting, meeting.id, services.confirm)
    return meeting.id


def _lines(invite) -> list[str]:
    return invite.text().replace("\r\n", "\n").split("\n")


def _letter_to(who: str, app, db, make_meeting, people, mail):
    """The invitation *who* received once everyone was invited: (mail, From decoded, lines)."""
    _invite_all(app, db, make_meeting, people)
    [invite] = mail()[people[who].email]
    return invite, decoded_header(invite.raw, "From"), _lines(invite)


def test_korean_invitation_comes_from_the_office_with_title_greeting_and_closing(
    app, db, make_meeting, people, mail
):
    invite, sender, lines = _letter_to("ko", app, db, make_meeting, people, mail)
    assert sender == f"왕팡 · {OFFICE_KO} <{OFFICE}>"
    assert invite.message["Content-Language"] == "ko"
    assert lines[:5] == [
        "김민준 국제협력과장님께",
        "",
        f"안녕하십니까. {OFFICE_KO}입니다.",
        "아래와 같이 회의를 개최하고자 하오니 참석하여 주시기 바랍니다.",
        "",
    ]
    assert "담당: 왕팡" in lines
    assert lines[-3:] == ["감사합니다.", f"{OFFICE_KO} 드림", ""]
    text = invite.text()
    assert "초대" not in text.replace("invite.ics", "") and "님이" not in text
    html = invite.text("text/html")
    assert "<p>김민준 국제협력과장님께</p>" in html and f"{OFFICE_KO} 드림</p>" in html
    assert ">참석</a>" in html and ">미정</a>" in html and ">불참</a>" in html


def test_chinese_invitation_has_title_greeting_answers_and_closing(
    app, db, make_meeting, people, mail
):
    invite, sender, lines = _letter_to("zh", app, db, make_meeting, people, mail)
    assert sender == f"王芳（{OFFICE_ZH}） <{OFFICE}>"
    assert invite.message["Content-Language"] == "zh-CN"
    assert lines[:4] == [
        "尊敬的崔秀珍组长：",
        "",
        f"您好！现将{OFFICE_ZH}有关会议事宜函告如下。",
        "我办定于举行以下会议，诚邀您拨冗出席。",
    ]
    assert "承办人：王芳" in lines
    answers = [line.split("：")[0] for line in lines if "/rsvp/" in line]
    assert answers == ["参加", "待定", "不参加"]
    assert lines[-3:] == ["顺颂商祺！", OFFICE_ZH, ""]
    html = invite.text("text/html")
    assert ">参加</a>" in html and ">待定</a>" in html and ">不参加</a>" in html
    assert "拒绝" not in html and "暂定" not in html


def test_english_reader_of_a_korean_partner_never_gets_chinese_only_text(
    app, db, make_meeting, people, mail
):
    _invite_all(app, db, make_meeting, people, title_ko="한중 화상회의", title_zh="中韩视频连线")
    [invite] = mail()[people["en"].email]
    assert decoded_header(invite.raw, "From") == f"王芳, {OFFICE_EN} <{OFFICE}>"
    lines = _lines(invite)
    # No English title on record: a salutation without one, never "Dear 주무관 …".
    assert lines[:4] == [
        "Dear Ji-hoon PARK,",
        "",
        f"Greetings from the {OFFICE_EN}.",
        "We are pleased to invite you to the meeting below.",
    ]
    assert "Meeting: 한중 화상회의" in lines  # the Korean title, not the Chinese one
    assert "中韩视频连线" not in invite.text()
    # The calendar entry too: its title and the English block of its description.
    assert str(invite.event["SUMMARY"]) == "한중 화상회의"
    assert invite.event["SUMMARY"].params["LANGUAGE"] == invite.message["Content-Language"] == "en"
    assert str(invite.event["DESCRIPTION"]).split("\n")[0] == "한중 화상회의"
    assert lines[-3:] == ["Yours sincerely,", OFFICE_EN, ""]


def test_english_staff_reader_keeps_the_office_fallback(app, db, make_meeting, people, mail):
    """Our own staff reading English fall back to Chinese, the office's language."""
    people["organizer"].locale = "en"
    _invite_all(app, db, make_meeting, people, title_ko="한중 화상회의", title_zh="中韩视频连线")
    [invite] = mail()[people["organizer"].email]
    assert invite.event["SUMMARY"].params["LANGUAGE"] == "en"
    assert str(invite.event["SUMMARY"]) == "中韩视频连线"


def test_contacts_without_title_or_hangul_name_get_a_correct_salutation(
    app, db, make_meeting, make_contact, people, mail
):
    plain = make_contact(family_name_zh="崔", given_name_zh="秀珍", title_zh="", language="zh")
    mixed = make_contact(family_name_ko="Kim🙂", given_name_ko="민준", title_ko="과장 (Director)")
    meeting_id = _invite_all(app, db, make_meeting, people)
    for person in (plain, mixed):
        add_person(app, meeting_id, person)
    received = mail()
    assert _lines(received[people["bare"].email][0])[0] == "Jae-won YOON 님께"
    assert _lines(received[plain.email][0])[0] == "尊敬的崔秀珍先生/女士："
    assert _lines(received[mixed.email][0])[0] == "Kim🙂민준 과장 (Director)님께"


def test_the_organizer_is_not_invited_in_their_own_name(app, db, make_meeting, people, mail):
    _invite_all(app, db, make_meeting, people)
    [invite] = mail()[people["organizer"].email]
    lines = _lines(invite)
    assert lines[:3] == ["尊敬的王芳：", "", "您是以下会议的承办人，本邮件用于同步您的日历。"]
    assert "/rsvp/" not in invite.text() and "诚邀" not in invite.text()


def test_cancellation_apologizes_and_removal_is_a_participation_notice(
    app, db, make_meeting, people, mail
):
    meeting_id = _invite_all(app, db, make_meeting, people)
    mail()
    contact_id = people["zh"].id

    def remove(meeting):
        [row] = [p for p in meeting.participants if p.contact_id == contact_id]
        services.remove_participant(meeting, row)

    change(app, Meeting, meeting_id, remove)
    [notice] = mail()[people["zh"].email]
    assert decoded_header(notice.raw, "Subject").startswith("参会安排调整通知：中韩视频连线，")
    assert _lines(notice)[3] == "因参会人员安排调整，您无需出席以下会议，敬请谅解。"
    change(app, Meeting, meeting_id, lambda m: services.cancel(m, "日程冲突"))
    [cancel] = mail()[people["ko"].email]
    assert _lines(cancel)[3] == (
        "부득이한 사정으로 아래 회의가 취소되었음을 알려 드립니다. 양해하여 주시기 바랍니다. "
        "캘린더에서 해당 일정을 삭제해 주시기 바랍니다."
    )
    assert "/rsvp/" not in cancel.text()


def test_the_office_names_are_settings(app, db, make_meeting, people, mail, client):
    names = {"OFFICE_NAME_KO": "테스트 외사판공실", "OFFICE_NAME_ZH": "测试外事办公室",
             "OFFICE_SHORT_NAME_ZH": "测试外办"}  # fmt: skip
    previous = {key: app.config[key] for key in names}
    app.config.update(names)
    try:
        _invite_all(app, db, make_meeting, people)
        received = mail()
        page = client.get("/login", headers={"Accept-Language": "zh-CN"})
    finally:
        app.config.update(previous)
    [korean], [chinese] = received[people["ko"].email], received[people["zh"].email]
    assert decoded_header(korean.raw, "From") == f"왕팡 · 테스트 외사판공실 <{OFFICE}>"
    assert _lines(korean)[2] == "안녕하십니까. 테스트 외사판공실입니다."
    assert _lines(korean)[-2] == "테스트 외사판공실 드림"
    assert _lines(chinese)[-2] == "测试外事办公室"
    html = page.get_data(as_text=True)
    assert "测试外办" in html and "测试外事办公室</footer>" in html
    assert OFFICE_ZH not in html


def _row(kind: str, recipient: str):
    db.session.expire_all()
    query = sa.select(OutboxMessage).where(
        OutboxMessage.kind == kind, OutboxMessage.recipient == recipient
    )
    return db.session.scalars(query).one()


def test_the_feed_link_mail_has_a_sender_name_salutation_and_signature(client, auth, people):
    auth.login("coordinator", name_zh="李明", name_ko="이명")
    contact = people["ko"]
    form = {"language": "ko", "send_to_contact": "y"}
    assert client.post(f"/feeds/contact/{contact.id}", data=form).status_code == 200
    row = _row("feed_link", contact.email)
    assert decoded_header(row.raw, "From") == f"이명 · {OFFICE_KO} <{OFFICE}>"
    assert decoded_header(row.raw, "Subject") == f"{OFFICE_KO} 회의 캘린더 안내"
    text = message_from_bytes(row.raw, policy=policy.SMTP).get_body(("plain",)).get_content()
    lines = text.replace("\r\n", "\n").split("\n")
    assert lines[:4] == [
        "김민준 국제협력과장님께",
        "",
        f"안녕하십니까. {OFFICE_KO}입니다.",
        f"{OFFICE_KO}에서 귀 기관과의 회의 일정을 캘린더로 제공해 드립니다. "
        "한 번 구독하시면 캘린더 앱에서 일정이 자동으로 갱신됩니다.",
    ]
    assert lines[-3:] == ["감사합니다.", f"{OFFICE_KO} 드림", ""]


def test_a_reminder_to_a_partner_is_a_letter_too(app, db, make_meeting, people):
    meeting_id = _invite_all(app, db, make_meeting, people)
    with app.app_context():
        enqueue_due_reminders(datetime(2030, 12, 2, 7, 30, tzinfo=UTC))
        db.session.commit()
    row = _row("reminder_before_start", people["zh"].email)
    assert row.meeting_id == meeting_id
    assert decoded_header(row.raw, "From") == f"王芳（{OFFICE_ZH}） <{OFFICE}>"
    text = message_from_bytes(row.raw, policy=policy.SMTP).get_body(("plain",)).get_content()
    lines = text.replace("\r\n", "\n").split("\n")
    assert lines[0] == "尊敬的崔秀珍组长：" and lines[-3:] == ["顺颂商祺！", OFFICE_ZH, ""]
    assert "承办人：王芳" in lines
