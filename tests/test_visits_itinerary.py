"""Visit itineraries: items are meetings of the visit; the printable page in zh and ko."""

import re
from datetime import UTC, date, datetime

import pytest

from scheduler.meetings.models import Meeting, Participant
from scheduler.visits.models import Visit
from tests.conftest import count
from tests.visits_support import (
    element_html,
    element_text,
    item_form,
    member_rows,
    newest,
    text_of,
    visit_form,
)

# --- itinerary items ---------------------------------------------------------------------------


def test_itinerary_item_is_a_meeting_of_the_visit(translated, visit, client, db):
    response = client.post(f"/visits/{visit.id}/items", data=item_form())
    assert response.status_code == 302
    meeting = newest(db, Meeting)
    assert (meeting.visit_id, meeting.kind, meeting.status) == (visit.id, "inspection", "draft")
    assert meeting.start_dt == datetime(2030, 12, 3, 6, 30, tzinfo=UTC)
    assert meeting.timezone == "Asia/Shanghai"
    assert [p.slug for p in meeting.partners] == ["seoul"]
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    day = translated("zh", "Day %(number)d", number=1)
    assert element_text(html, "day-1") == f"{day} · 2030年12月3日星期二"
    item = element_text(html, f"item-{meeting.id}")
    # On the clock of the place only: the visit did not ask for both clocks.
    assert item.startswith("12月3日（周二）14:30–16:00（北京时间） 考察中韩示范区")
    assert "示范区展示中心" in item


def test_items_are_grouped_by_day_in_time_order(visit, client, db):
    for start, end, title in [("2030-12-04T15:00", "2030-12-04T16:00", "签约仪式"),
                              ("2030-12-04T09:00", "2030-12-04T11:00", "座谈会"),
                              ("2030-12-03T18:00", "2030-12-03T20:00", "欢迎晚宴")]:  # fmt: skip
        data = item_form(start_local=start, end_local=end, title_zh=title, title_ko="")
        assert client.post(f"/visits/{visit.id}/items", data=data).status_code == 302
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    days = re.split(r'id="day-\d"', html)[1:]
    titles = [re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', d) for d in days]
    assert titles == [["欢迎晚宴"], ["座谈会", "签约仪式"], []]


def test_whole_delegation_joins_an_item(visit, client, db, make_contact, make_user):
    contact, interpreter = make_contact("seoul"), make_user("coordinator")
    for person, role in [
        (f"contact:{contact.id}", "head"),
        (f"user:{interpreter.id}", "interpreter"),
    ]:
        client.post(f"/visits/{visit.id}/members", data={"person": person, "role": role})
    response = client.post(f"/visits/{visit.id}/items", data=item_form(with_delegation="y"))
    assert response.status_code == 302
    meeting = newest(db, Meeting)
    roles = {(p.contact_id, p.user_id, p.role) for p in meeting.participants}
    assert roles == {(contact.id, None, "participant"), (None, interpreter.id, "interpreter")}


def test_interpreter_booked_twice_is_refused(translated, visit, client, db, make_user):
    interpreter = make_user("coordinator")
    client.post(f"/visits/{visit.id}/members", data={"person": f"user:{interpreter.id}",
                                                     "role": "interpreter"})  # fmt: skip
    assert (
        client.post(f"/visits/{visit.id}/items", data=item_form(with_delegation="y")).status_code
        == 302
    )
    before = (count(Meeting), count(Participant))
    overlapping = item_form(start_local="2030-12-03T15:00", end_local="2030-12-03T17:00",
                        with_delegation="y")  # fmt: skip
    response = client.post(f"/visits/{visit.id}/items", data=overlapping)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert translated("zh", "An interpreter or room is already booked at this time.") in html
    assert 'id="conflicts"' in html
    assert (count(Meeting), count(Participant)) == before


BAD_ITEMS = [
    ({"start_local": "2030-12-02T14:30", "end_local": "2030-12-02T16:00"},
     "An itinerary item must fall within the visit's dates."),
    ({"start_local": "2030-12-05T23:00", "end_local": "2030-12-06T01:00"},
     "An itinerary item must fall within the visit's dates."),
    ({"end_local": "2030-12-03T14:00"}, "The end must be after the start."),
    ({"end_local": "2030-12-03T14:32"}, "A meeting lasts at least 5 minutes."),
    ({"start_local": ""}, "This field is required."),
    ({"title_zh": "", "title_ko": ""}, "Enter a title in Chinese or Korean."),
    ({"kind": "party"}, 'id="kind-error"'),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "message"), BAD_ITEMS)
def test_bad_itinerary_item_is_refused(translated, visit, client, db, overrides, message):
    before = count(Meeting)
    response = client.post(f"/visits/{visit.id}/items", data=item_form(**overrides))
    assert response.status_code == 400
    expected = message if message.startswith("id=") else translated("zh", message)
    assert expected in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_item_ending_at_midnight_stays_on_the_last_day(visit, client, db):
    data = item_form(start_local="2030-12-05T22:00", end_local="2030-12-06T00:00")
    assert client.post(f"/visits/{visit.id}/items", data=data).status_code == 302


def test_nonexistent_local_time_in_the_visit_zone(auth, client, db):
    auth.login("coordinator", locale="en")
    form = visit_form(timezone="Europe/Berlin", start_date="2030-03-30", end_date="2030-04-01",
                 arrival_local="", departure_local="")  # fmt: skip
    assert client.post("/visits/new", data=form).status_code == 302
    visit = newest(db, Visit)
    data = item_form(start_local="2030-03-31T02:30", end_local="2030-03-31T04:00")
    response = client.post(f"/visits/{visit.id}/items", data=data)
    assert response.status_code == 400
    assert "This time does not exist in Berlin" in response.get_data(as_text=True)
    assert count(Meeting, Meeting.visit_id == visit.id) == 0


def test_dates_cannot_shrink_away_from_items(translated, visit, client, db):
    client.post(f"/visits/{visit.id}/items", data=item_form(start_local="2030-12-05T09:00",
                                                        end_local="2030-12-05T10:00"))  # fmt: skip
    form = visit_form(end_date="2030-12-04", departure_local="2030-12-04T12:10")
    response = client.post(f"/visits/{visit.id}/edit", data=form)
    assert response.status_code == 400
    message = "Some itinerary items fall outside these dates. Move them first."
    assert translated("zh", message) in response.get_data(as_text=True)
    db.session.refresh(visit)
    assert visit.end_date == date(2030, 12, 5)


# --- printable itinerary ---------------------------------------------------------------------


def test_printable_itinerary_in_chinese(translated, full_visit, client):
    response = client.get(f"/visits/{full_visit.id}/itinerary?lang=zh")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "navbar" not in html
    assert element_text(html, "itinerary-title") == "首尔市代表团访问长春"
    assert (
        element_text(html, "itinerary-summary")
        == "首尔特别市代表团访问长春 · 2030年12月3日\u2009–\u20095日"
    )
    head, liaison = translated("zh", "Head of delegation"), translated("zh", "Liaison officer")
    # The delegation, then our staff as hosts; the passport spelling beside each name.
    assert member_rows(element_html(html, "delegation")) == [f"金敏洙 KIM Min-su 副市长 {head} —"]
    assert member_rows(element_html(html, "hosts")) == [f"张伟 — — {liaison} —"]
    day = translated("zh", "Day %(number)d", number=2)
    assert element_text(html, "day-2") == f"{day} · 2030年12月4日星期三"
    items = re.findall(r'<tr class="item"[^>]*>(.*?)</tr>', html, re.S)
    assert [text_of(i) for i in items] == [
        "12月3日（周二）14:30–16:00（北京时间） 考察中韩示范区 示范区展示中心",
        # no Chinese title
        "12月4日（周三）09:30–11:00（北京时间） 우호교류 협약 체결",
    ]
    assert (
        element_text(html, "itinerary-arrival")
        == "KE831 12月3日（周二）10:40（北京时间） 长春龙嘉国际机场（CGQ）"
    )
    assert element_text(html, "itinerary-hotel") == "长春香格里拉大酒店"


def test_printable_itinerary_in_korean_for_a_chinese_ui(translated, full_visit, client):
    html = client.get(f"/visits/{full_visit.id}/itinerary?lang=ko").get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert element_text(html, "itinerary-title") == "서울시 대표단 창춘 방문"
    head, liaison = translated("ko", "Head of delegation"), translated("ko", "Liaison officer")
    assert (
        element_text(html, "itinerary-summary")
        == "창춘 방문 · 서울특별시 대표단 · 2030년 12월 3일~5일"
    )
    assert member_rows(html) == [f"김민수 KIM Min-su 부시장 {head} —", f"장웨이 — — {liaison} —"]
    day = translated("ko", "Day %(number)d", number=1)
    assert element_text(html, "day-1") == f"{day} · 2030년 12월 3일 화요일"
    items = [text_of(i) for i in re.findall(r'<tr class="item"[^>]*>(.*?)</tr>', html, re.S)]
    clock = "12월 3일(화) 14:30~16:00(중국 시간)"
    assert items[0] == f"{clock} 한중 시범구 시찰 시범구 전시센터"
    assert element_text(html, "itinerary-hotel") == "창춘 샹그릴라 호텔"


def test_printable_itinerary_defaults_to_the_viewer_language(full_visit, auth, client):
    html = client.get(f"/visits/{full_visit.id}/itinerary").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    auth.logout()
    auth.login("viewer", locale="ko")
    assert '<html lang="ko">' in client.get(f"/visits/{full_visit.id}/itinerary").get_data(
        as_text=True
    )
    auth.logout()
    auth.login("viewer", locale="en")
    html = client.get(f"/visits/{full_visit.id}/itinerary").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert client.get(f"/visits/{full_visit.id}/itinerary?lang=fr").status_code == 400


def test_cancelled_items_are_left_off_the_printout(full_visit, client, db):
    meeting = newest(db, Meeting)
    assert (
        client.post(
            f"/meetings/{meeting.id}/cancel", data={"version": meeting.version, "reason": "雪"}
        ).status_code
        == 302
    )
    html = client.get(f"/visits/{full_visit.id}/itinerary?lang=ko").get_data(as_text=True)
    assert "우호교류 협약 체결" not in html
    assert "우호교류 협약 체결" in client.get(f"/visits/{full_visit.id}").get_data(as_text=True)


def test_print_stylesheet_hides_the_screen_controls(app, client):
    css = client.get("/static/css/itinerary.css").get_data(as_text=True)
    assert "@media print" in css and ".screen-only { display: none; }" in css


@pytest.mark.parametrize(
    ("typed", "lang", "shown"),
    [
        ("CGQ", "ko", "창춘 룽자 국제공항(CGQ)"),
        ("icn", "zh", "仁川国际机场（ICN）"),
        ("인천 국제공항", "en", "Incheon International Airport (ICN)"),
        ("仁川国际机场（ICN）", "ko", "인천국제공항(ICN)"),
        ("Hongqiao T2", "ko", "Hongqiao T2"),  # not known: as typed
        ("", "zh", ""),
    ],
)
def test_airports_in_the_readers_script(typed, lang, shown):
    from scheduler.visits.airports import airport_name

    assert airport_name(typed, lang) == shown
