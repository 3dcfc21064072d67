"""Visits: create and edit, dates and flights, the roster, who may change what."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from scheduler.audit.models import AuditEntry
from scheduler.meetings.models import Meeting
from scheduler.visits.models import Visit, VisitMember
from tests.conftest import count
from tests.visits_support import (
    element_html,
    element_text,
    item_form,
    newest,
    text_of,
    visit_form,
)

# --- create, edit, list ----------------------------------------------------------------------


def test_create_reads_flights_on_the_clock_of_the_place(visit, client):
    assert visit.direction == "inbound"
    assert (visit.start_date, visit.end_date) == (date(2030, 12, 3), date(2030, 12, 5))
    assert visit.arrival_at == datetime(2030, 12, 3, 2, 40, tzinfo=UTC)
    assert visit.departure_at == datetime(2030, 12, 5, 4, 10, tzinfo=UTC)
    assert [p.slug for p in visit.partners] == ["seoul"]
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert element_text(html, "visit-dates") == "2030年12月3日\u2009–\u20095日"
    assert (
        element_text(html, "visit-arrival")
        == "KE831 12月3日（周二）10:40（北京时间） 长春龙嘉国际机场（CGQ）"
    )
    assert element_text(html, "visit-hotel") == "长春香格里拉大酒店"
    assert count(AuditEntry, AuditEntry.object_type == "visits", AuditEntry.action == "create") == 1


def test_outbound_visit_in_seoul(auth, client, db):
    auth.login("coordinator", locale="ko", timezone="Asia/Seoul")
    form = visit_form(direction="outbound", timezone="Asia/Seoul", arrival_airport="인천국제공항")
    assert client.post("/visits/new", data=form).status_code == 302
    visit = newest(db, Visit)
    assert visit.arrival_at == datetime(2030, 12, 3, 1, 40, tzinfo=UTC)
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert element_text(html, "visit-dates") == "2030년 12월 3일~5일"
    assert element_text(html, "visit-arrival") == (
        "KE831 12월 3일(화) 10:40(한국 시간) 인천국제공항(ICN)"
    )


BAD_VISITS = [
    ({"end_date": "2030-12-02"}, "The last day must be on or after the first day."),
    ({"end_date": "2031-02-01"}, "A visit lasts at most 60 days."),
    ({"departure_local": "2030-12-03T09:00"}, "The departure must be after the arrival."),
    ({"departure_local": "2030-12-03T10:40"}, "The departure must be after the arrival."),
    ({"timezone": "Asia/Atlantis"}, "Unknown time zone."),
    ({"timezone": "UTC+8"}, "Unknown time zone."),
    ({"title_zh": "", "title_ko": ""}, "Enter a title in Chinese or Korean."),
    ({"start_date": "3 December"}, "Enter a date such as 2026-12-03."),
    ({"arrival_local": "soon"}, "Enter a date and time such as 2026-12-03 14:30."),
    ({"direction": "sideways"}, 'id="direction-error"'),
    ({"timezone": "Europe/Berlin", "start_date": "2030-03-30", "end_date": "2030-04-01",
      "arrival_local": "2030-03-31T02:30", "departure_local": ""},
     "This time does not exist in Berlin"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "message"), BAD_VISITS)
def test_bad_visit_is_refused_and_nothing_saved(auth, client, db, overrides, message):
    auth.login("coordinator", locale="en")
    before = count(Visit)
    response = client.post("/visits/new", data=visit_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Visit) == before


def test_sixty_days_is_the_longest_visit(auth, client, db):
    auth.login("coordinator", locale="en")
    response = client.post(
        "/visits/new", data=visit_form(end_date="2031-01-31", departure_local="")
    )
    assert response.status_code == 302
    assert (newest(db, Visit).end_date - newest(db, Visit).start_date).days == 59


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2030, 12, 5), date(2030, 12, 4)), (date(2030, 12, 1), date(2031, 1, 30))],
)
def test_the_database_refuses_impossible_dates(db, make_user, start, end):
    visit = Visit(direction="inbound", title_zh="x", start_date=start, end_date=end,
                  organizer=make_user())  # fmt: skip
    db.session.add(visit)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_edit_keeps_flights_on_the_local_clock(visit, client, db):
    page = client.get(f"/visits/{visit.id}/edit").get_data(as_text=True)
    assert 'value="2030-12-03T10:40"' in page
    form = visit_form(
        hotel_zh="南湖宾馆", end_date="2030-12-06", departure_local="2030-12-06T12:10"
    )
    assert client.post(f"/visits/{visit.id}/edit", data=form).status_code == 302
    db.session.refresh(visit)
    assert (visit.hotel_zh, visit.end_date) == ("南湖宾馆", date(2030, 12, 6))
    assert visit.departure_at == datetime(2030, 12, 6, 4, 10, tzinfo=UTC)


def test_list_shows_upcoming_visits_first(auth, client, db):
    auth.login("coordinator", locale="en")
    for title, start, end in [("Later", "2031-03-01", "2031-03-02"),
                              ("Past", "2020-05-01", "2020-05-02"),
                              ("Sooner", "2030-12-03", "2030-12-05")]:  # fmt: skip
        form = visit_form(title_zh=title, title_ko="", start_date=start, end_date=end,
                     arrival_local="", departure_local="")  # fmt: skip
        assert client.post("/visits/new", data=form).status_code == 302
    html = client.get("/visits/").get_data(as_text=True)
    titles = re.findall(r'<a href="/visits/\d+">([^<]+)</a>', html)
    assert titles == ["Sooner", "Later", "Past"]


# --- roster ----------------------------------------------------------------------------------


def test_roster_with_contacts_and_staff(visit, client, db, make_contact, make_user):
    head = make_contact("seoul", title_zh="副市长", title_ko="부시장")
    interpreter = make_user("coordinator", name_zh="李娜", name_ko="이나")
    member = make_contact("seoul", family_name_ko="박", given_name_ko="지훈", family_name_zh="朴",
                          given_name_zh="志勋", romanized_family="Park", romanized_given="Ji-hoon",
                          title_zh="", title_ko="과장")  # fmt: skip
    people = [(f"user:{interpreter.id}", "interpreter"), (f"contact:{member.id}", "member"),
              (f"contact:{head.id}", "head")]  # fmt: skip
    for person, role in people:
        response = client.post(f"/visits/{visit.id}/members", data={"person": person, "role": role})
        assert response.status_code == 302
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    roster = [text_of(item) for item in re.findall(r'<li [^>]*id="member-\d+">(.*?)</li>',
                                                   element_html(html, "roster"), re.S)]  # fmt: skip
    assert [r.split(" · ")[0] for r in roster] == ["金敏洙 (KIM Min-su)", "朴志勋 (PARK Ji-hoon)"]
    assert roster[1].startswith("朴志勋 (PARK Ji-hoon) · 과장 · ")  # falls back to the Korean title
    hosts = element_text(html, "hosts")  # our staff receive an inbound delegation
    assert hosts.startswith("李娜 · ")


@pytest.mark.parametrize("problem", ["duplicate", "inactive", "nobody", "unknown"])
def test_bad_member_is_refused(translated, visit, client, db, make_contact, problem):
    contact = make_contact("seoul")
    if problem == "inactive":
        contact.is_active = False
        db.session.commit()
    if problem == "duplicate":
        client.post(f"/visits/{visit.id}/members", data={"person": f"contact:{contact.id}",
                                                         "role": "member"})  # fmt: skip
    person = {"nobody": "", "unknown": "contact:999999"}.get(problem, f"contact:{contact.id}")
    before = count(VisitMember)
    response = client.post(f"/visits/{visit.id}/members", data={"person": person, "role": "head"})
    assert response.status_code == 400
    expected = {
        "duplicate": "This person is already on the delegation.",
        "inactive": "This person is inactive and cannot join the delegation.",
        "nobody": "Enter the name in Hangul, Hanzi or Latin letters, or choose a person.",
        "unknown": "Choose a contact or a staff member.",
    }[problem]
    html = response.get_data(as_text=True)
    assert translated("zh", expected) in html
    assert count(VisitMember) == before


def test_remove_member_is_audited(visit, client, db, make_contact):
    contact = make_contact("seoul")
    client.post(f"/visits/{visit.id}/members", data={"person": f"contact:{contact.id}",
                                                     "role": "member"})  # fmt: skip
    member_id = newest(db, VisitMember).id
    response = client.post(f"/visits/{visit.id}/members/{member_id}/remove")
    assert response.status_code == 302
    assert count(VisitMember, VisitMember.visit_id == visit.id) == 0
    entry = newest(db, AuditEntry)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "remove_member",
        "visits",
        visit.id,
    )
    assert entry.changes == {"member": ["김민수 (member)", None]}
    assert client.post(f"/visits/{visit.id}/members/{member_id}/remove").status_code == 404


# --- safety ----------------------------------------------------------------------------------


def test_user_text_is_escaped(auth, client, db):
    auth.login("coordinator", locale="en")
    evil = "<script>alert(1)</script>"
    form = visit_form(title_zh=evil, hotel_zh=evil, arrival_airport=evil)
    assert client.post("/visits/new", data=form).status_code == 302
    visit = newest(db, Visit)
    for url in (f"/visits/{visit.id}", f"/visits/{visit.id}/itinerary?lang=zh", "/visits/"):
        html = client.get(url).get_data(as_text=True)
        assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_viewer_reads_but_cannot_change(visit, auth, client, db, make_contact):
    contact = make_contact("seoul")
    auth.logout()
    auth.login("viewer", locale="zh")
    for url in ("/visits/", f"/visits/{visit.id}", f"/visits/{visit.id}/itinerary?lang=ko"):
        assert client.get(url).status_code == 200
    assert client.get("/visits/new").status_code == 403
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    before = (count(Visit), count(VisitMember), count(Meeting))
    posts = [("/visits/new", visit_form()), (f"/visits/{visit.id}/edit", visit_form(hotel_zh="x")),
             (f"/visits/{visit.id}/members", {"person": f"contact:{contact.id}", "role": "head"}),
             (f"/visits/{visit.id}/items", item_form())]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403
    assert (count(Visit), count(VisitMember), count(Meeting)) == before
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert 'id="member-form"' not in html and 'id="item-form"' not in html


def test_signed_out_visitors_are_sent_to_login(visit, auth, client):
    auth.logout()
    response = client.get(f"/visits/{visit.id}/itinerary?lang=zh")
    assert response.status_code == 302 and "/login" in response.location


def test_missing_csrf_token_is_rejected(csrf_app, client, db, make_user):
    user = make_user(role="coordinator")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = {"email": user.email, "password": "correct horse battery", "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    before = count(Visit)
    assert client.post("/visits/new", data=visit_form()).status_code == 400
    assert (
        client.post("/visits/new", data={**visit_form(), "csrf_token": "forged"}).status_code == 400
    )
    assert count(Visit) == before


def test_there_is_no_way_to_delete_a_visit(full_visit, client, db):
    assert client.post(f"/visits/{full_visit.id}/delete").status_code == 404
    assert client.delete(f"/visits/{full_visit.id}").status_code == 405
    assert count(Visit, Visit.id == full_visit.id) == 1
    assert count(Meeting, Meeting.visit_id == full_visit.id) == 2
