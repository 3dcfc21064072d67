"""Time lines on the surfaces people read: pages, the dashboard, mails and ICS text.

Chinese readers see 北京时间 / 首尔时间, Korean readers 중국 시간 / 한국 시간, each on one 24-hour
clock; no surface names a clock in the other language's script or by its IANA id.
"""

import re

import pytest
import sqlalchemy as sa

from scheduler.contacts.models import Contact
from scheduler.invites.ical import LANGUAGE_SEPARATOR
from scheduler.meetings import services
from scheduler.meetings.models import Meeting
from tests.invites_support import change, confirm_for_two_readers

ZH_LINE = "12月3日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
KO_LINE = "12월 3일(화) 15:30~17:00(한국 시간) / 14:30~16:00(중국 시간)"
# Clock words of one language that must not appear on the other language's surfaces.
KOREAN_CLOCK_WORDS = ("한국 시간", "중국 시간", "창춘", "오전", "오후")
CHINESE_CLOCK_WORDS = ("北京时间", "首尔时间", "长春", "时区")


def _meeting_time(html: str) -> str:
    return re.search(r'<p class="lead" id="meeting-time">(.*?)</p>', html).group(1)


def _planned_zone(html: str) -> str:
    return re.search(r'title="Asia/Shanghai">(.*?)</dd>', html).group(1)


def test_a_chinese_meeting_page_reads_in_chinese(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _meeting_time(html) == ZH_LINE
    assert _planned_zone(html) == "北京时间"  # not the IANA id
    assert not any(word in html for word in KOREAN_CLOCK_WORDS)


def test_a_korean_meeting_page_reads_in_korean(auth, client, make_meeting):
    meeting = make_meeting()
    auth.login("viewer", locale="ko", timezone="Asia/Seoul")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _meeting_time(html) == KO_LINE
    assert _planned_zone(html) == "중국 시간"
    assert not any(word in html for word in CHINESE_CLOCK_WORDS)


def test_a_meeting_in_another_year_names_its_year(auth, client, make_meeting, formatting_year):
    from datetime import UTC, datetime

    next_year = formatting_year + 1
    meeting = make_meeting(
        start_dt=datetime(next_year, 1, 7, 6, 30, tzinfo=UTC),
        end_dt=datetime(next_year, 1, 7, 8, 0, tzinfo=UTC),
    )
    auth.login("viewer", locale="zh", timezone="Asia/Shanghai")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _meeting_time(html) == (
        f"{next_year}年1月7日（周二）14:30–16:00（北京时间） / 15:30–17:00（首尔时间）"
    )


@pytest.mark.parametrize(
    ("locale", "zone", "line", "foreign_words"),
    [("zh", "Asia/Shanghai", ZH_LINE, KOREAN_CLOCK_WORDS),
     ("ko", "Asia/Seoul", KO_LINE, CHINESE_CLOCK_WORDS)],
)  # fmt: skip
def test_the_dashboard_reads_in_the_viewers_script(
    auth, client, invited, locale, zone, line, foreign_words
):
    auth.login("coordinator", locale=locale, timezone=zone)
    html = client.get("/").get_data(as_text=True)
    start = html.index('id="dashboard-waiting"')
    section = html[start : html.index("</section>", start)]
    assert line in section
    assert not any(word in html for word in foreign_words)


@pytest.fixture
def confirmed(make_meeting, make_contact, make_user, db, client, smtp_app):
    """A confirmed meeting: a Korean contact and a Chinese staff member are invited."""
    _meeting, contact, staff = confirm_for_two_readers(
        make_meeting, make_contact, make_user, db, client
    )
    return contact, staff


def test_mails_and_ics_text_name_the_clocks_in_the_readers_script(confirmed, mail):
    contact, staff = confirmed
    received = mail()
    [korean] = received[contact.email]
    [chinese] = received[staff.email]
    assert KO_LINE in korean.message["Subject"] and KO_LINE in korean.text()
    assert ZH_LINE in chinese.message["Subject"] and ZH_LINE in chinese.text()
    assert not any(word in korean.text() for word in CHINESE_CLOCK_WORDS)
    assert not any(word in chinese.text() for word in KOREAN_CLOCK_WORDS)
    korean_block, chinese_block = str(korean.event["DESCRIPTION"]).split(LANGUAGE_SEPARATOR)
    assert korean_block.split("\n")[1] == f"시간: {KO_LINE}"
    assert chinese_block.split("\n")[1] == f"时间：{ZH_LINE}"


@pytest.mark.parametrize("stored", ["", "Mars/Olympus_Mons"])
def test_a_contact_with_an_unknown_zone_reads_on_the_office_clock(
    auth, client, db, make_contact, stored
):
    """A zone the database holds but zoneinfo does not know (an old import, a hand edit)."""
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    db.session.execute(sa.update(Contact).where(Contact.id == contact.id).values(timezone=stored))
    db.session.commit()
    auth.login("viewer", locale="ko")
    response = client.get(f"/contacts/{contact.id}")
    assert response.status_code == 200
    zone = re.search(rf'<dd class="col-sm-9" title="{stored}">(.*?)</dd>', response.text)
    assert zone.group(1) == "중국 시간"


def test_an_invite_to_a_contact_with_an_unknown_zone_uses_the_office_clock(
    make_meeting, make_contact, db, client, smtp_app, mail
):
    meeting = make_meeting()
    contact = make_contact(language="ko", timezone="Asia/Seoul")
    db.session.execute(
        sa.update(Contact).where(Contact.id == contact.id).values(timezone="Nowhere")
    )
    services.add_participant(meeting, contact=db.session.get(Contact, contact.id))
    db.session.commit()
    change(client.application, Meeting, meeting.id, services.confirm)
    [invite] = mail()[contact.email]
    office_first = "12월 3일(화) 14:30~16:00(중국 시간) / 15:30~17:00(한국 시간)"
    assert office_first in invite.message["Subject"] and office_first in invite.text()
