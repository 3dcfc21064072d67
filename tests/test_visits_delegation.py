"""A visit's people as they come: guests typed by name in any script, hosts apart, promotion
to a contact, and each itinerary item's vehicle and person in charge on the printout."""

import re

import pytest

from scheduler.audit.models import AuditEntry
from scheduler.contacts.models import Contact
from scheduler.meetings.models import Meeting
from scheduler.visits.models import ItemArrangement, Visit, VisitMember
from tests.conftest import count
from tests.visits_support import (
    element_html,
    element_text,
    item_form,
    member_rows,
    newest,
    visit_form,
)

GUEST = {"person": "", "role": "member", "name_ko": "", "name_zh": "", "name_latin": "",
         "title_zh": "", "title_ko": "", "phone": "", "sort_order": ""}  # fmt: skip


def guest(**overrides):
    return {**GUEST, **overrides}


def add(client, visit, **overrides):
    return client.post(f"/visits/{visit.id}/members", data=guest(**overrides))


def roster_text(client, visit, list_id="roster"):
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    return element_text(html, list_id)


# --- guests --------------------------------------------------------------------------------


def test_guest_in_three_scripts_reads_in_the_readers_script(visit, client, db, auth):
    response = add(client, visit, role="head", name_ko="정민호", name_zh="郑敏浩",
                   name_latin="JEONG Minho", title_zh="京畿道副知事", title_ko="경기도 부지사",
                   phone="+82-10-1234-5678")  # fmt: skip
    assert response.status_code == 302
    member = newest(db, VisitMember)
    assert (member.contact_id, member.user_id, member.name_latin) == (None, None, "JEONG Minho")
    entry = newest(db, AuditEntry)
    assert (entry.action, entry.object_type, entry.object_label) == (
        "create", "visit_members", "정민호 (head)",
    )  # fmt: skip
    assert roster_text(client, visit).startswith(
        "郑敏浩 (JEONG Minho) · 京畿道副知事 · 团长 · +82-10-1234-5678 · 来宾"
    )
    auth.logout()
    auth.login("viewer", locale="ko")
    assert roster_text(client, visit).startswith(
        "정민호 (JEONG Minho) · 경기도 부지사 · 단장 · +82-10-1234-5678 · 외부 참석자"
    )


def test_guest_with_only_a_latin_name(visit, client, db):
    response = add(client, visit, name_latin="Daniel LEE", role="driver")
    assert response.status_code == 302
    # No Hanzi and no Hangul: the Latin name stands in for both, once.
    assert roster_text(client, visit).startswith("Daniel LEE · 司机 · 来宾")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "请用韩文、汉字或拉丁字母填写姓名，或选择一位人员。"),
        (
            {"name_ko": "   ", "name_latin": " "},
            "请用韩文、汉字或拉丁字母填写姓名，或选择一位人员。",
        ),
        ({"name_latin": "A" * 51}, "最多 50 个字符。"),
        ({"name_zh": "王", "role": "chauffeur"}, 'id="role-error"'),
        ({"name_zh": "王", "sort_order": "first"}, "请填写整数。"),
        ({"name_zh": "王", "sort_order": "1000"}, "请填写0至999之间的数字。"),
        ({"name_zh": "王\x07"}, 'id="name_zh-error"'),
        ({"person": "contact:999999"}, "请选择联系人或本单位工作人员。"),
    ],
)
def test_bad_guest_is_refused_and_nothing_changes(visit, client, db, overrides, message):
    before = (count(VisitMember), count(AuditEntry))
    response = add(client, visit, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (count(VisitMember), count(AuditEntry)) == before


def test_edit_a_guest_and_link_a_contact(visit, client, db, make_contact):
    add(client, visit, name_latin="KIM Minsu")
    member = newest(db, VisitMember)
    page = client.get(f"/visits/{visit.id}/members/{member.id}/edit")
    assert page.status_code == 200 and 'value="KIM Minsu"' in page.get_data(as_text=True)
    response = client.post(f"/visits/{visit.id}/members/{member.id}/edit",
                           data=guest(name_latin="KIM Minsu", name_ko="김민수", role="interpreter",
                                      phone="010-2222-3333"))  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.name_ko, member.role, member.phone) == ("김민수", "interpreter", "010-2222-3333")
    contact = make_contact("seoul", phone="+82-2-2133-0000")
    response = client.post(f"/visits/{visit.id}/members/{member.id}/edit",
                           data=guest(person=f"contact:{contact.id}", role="member"))  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(member)
    assert (member.contact_id, member.name_ko, member.name_latin) == (contact.id, "", "")
    # The phone typed for the trip is cleared by an empty field: the contact's own shows.
    assert "+82-2-2133-0000" in roster_text(client, visit)
    bad = client.post(f"/visits/{visit.id}/members/{member.id}/edit", data=guest())
    assert bad.status_code == 400
    assert "请用韩文、汉字或拉丁字母填写姓名，或选择一位人员。" in bad.get_data(as_text=True)
    assert client.get(f"/visits/{visit.id}/members/999999/edit").status_code == 404


def test_remove_a_guest_in_charge_of_an_item(visit, client, db):
    add(client, visit, name_zh="李司机", role="driver", phone="13900000000")
    member = newest(db, VisitMember)
    data = item_form(vehicle="吉A·12345 考斯特", contact_member=str(member.id))
    assert client.post(f"/visits/{visit.id}/items", data=data).status_code == 302
    arrangement = db.session.get(ItemArrangement, newest(db, Meeting).id)
    assert (arrangement.vehicle, arrangement.contact_member_id) == ("吉A·12345 考斯特", member.id)
    assert client.post(f"/visits/{visit.id}/members/{member.id}/remove").status_code == 302
    db.session.refresh(arrangement)
    assert (arrangement.vehicle, arrangement.contact_member_id) == ("吉A·12345 考斯特", None)
    actions = [
        (e.action, e.object_type) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)
    ]
    assert actions[-2:] == [("remove_member", "visits"), ("update", "visit_item_arrangements")]
    removed = db.session.query(AuditEntry).filter_by(action="remove_member").one()
    assert removed.changes == {"member": ["李司机 (driver)", None]}


# --- promotion -------------------------------------------------------------------------------


def test_promote_a_guest_to_a_contact_of_the_partner(visit, client, db):
    add(client, visit, role="head", name_ko="남궁현", name_zh="南宫贤", name_latin="Hyun NAMGUNG",
        title_ko="국제협력과장", title_zh="国际合作处处长", phone="+82-31-8008-1234")  # fmt: skip
    member = newest(db, VisitMember)
    before = count(Contact)
    response = client.post(f"/visits/{visit.id}/members/{member.id}/promote")
    assert response.status_code == 302
    assert count(Contact) == before + 1
    contact = newest(db, Contact)
    assert (contact.partner.slug, contact.family_name_ko, contact.given_name_ko) == (
        "seoul", "남궁", "현",
    )  # fmt: skip
    assert (contact.family_name_zh, contact.given_name_zh) == ("南宫", "贤")
    assert (contact.romanized_family, contact.romanized_given) == ("NAMGUNG", "Hyun")
    assert (contact.title_zh, contact.phone, contact.email) == (
        "国际合作处处长", "+82-31-8008-1234", None,
    )  # fmt: skip
    db.session.refresh(member)
    assert (member.contact_id, member.name_ko, member.phone) == (contact.id, "", "")
    promoted = newest(db, AuditEntry)
    assert promoted.action == "promote_member"
    assert promoted.changes == {"member": ["남궁현 (head)", "남궁현 (head)"]}
    # Now a contact: no second promotion.
    again = client.post(f"/visits/{visit.id}/members/{member.id}/promote")
    assert again.status_code == 400
    assert "该人员已是联系人或工作人员。" in again.get_data(as_text=True)
    assert count(Contact) == before + 1


def test_promotion_needs_a_partner_of_the_visit(auth, client, db):
    auth.login("coordinator", locale="ko")
    assert client.post("/visits/new", data=visit_form(partners=[])).status_code == 302
    visit = newest(db, Visit)
    add(client, visit, name_latin="John SMITH")
    member = newest(db, VisitMember)
    before = count(Contact)
    response = client.post(f"/visits/{visit.id}/members/{member.id}/promote")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "새 담당자가 속할 협력 기관을 이 방문의 협력 기관 중에서 선택하세요." in html
    assert count(Contact) == before
    assert client.post(f"/visits/{visit.id}/members/999999/promote").status_code == 404


def test_viewer_cannot_change_the_people(visit, auth, client, db):
    add(client, visit, name_latin="KIM Minsu")
    member = newest(db, VisitMember)
    auth.logout()
    auth.login("viewer", locale="zh")
    before = (count(VisitMember), count(Contact))
    for url in (f"/visits/{visit.id}/members", f"/visits/{visit.id}/members/{member.id}/edit",
                f"/visits/{visit.id}/members/{member.id}/promote",
                f"/visits/{visit.id}/members/{member.id}/remove"):  # fmt: skip
        assert client.post(url, data=guest(name_zh="王")).status_code == 403
    assert (count(VisitMember), count(Contact)) == before
    assert "promote-member-" not in client.get(f"/visits/{visit.id}").get_data(as_text=True)


# --- the printed itinerary -------------------------------------------------------------------


@pytest.fixture
def guest_visit(visit, client, db, make_user):
    """The Seoul delegation as typed from its list, our liaison as host, a car for day one."""
    add(client, visit, role="head", name_ko="정민호", name_zh="郑敏浩", name_latin="JEONG Minho",
        title_zh="首尔特别市副市长", title_ko="서울특별시 부시장",
        phone="+82-10-1111-2222")  # fmt: skip
    add(client, visit, role="member", name_latin="Daniel LEE", sort_order="1")
    liaison = make_user("coordinator", name_zh="张伟", name_ko="장웨이")
    add(client, visit, person=f"user:{liaison.id}", role="liaison", phone="13800000000")
    member = newest(db, VisitMember)
    data = item_form(vehicle="吉A·12345 考斯特", contact_member=str(member.id))
    assert client.post(f"/visits/{visit.id}/items", data=data).status_code == 302
    return visit


def _items(html):
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", i)).strip()
            for i in re.findall(r'<tr class="item"[^>]*>(.*?)</tr>', html, re.S)]  # fmt: skip


# What each reader's printout says: heading, the delegation, the hosts, the one item.
PRINTED = {
    "zh": (
        "首尔特别市代表团访问长春 · 2030年12月3日\u2009–\u20095日",
        ["郑敏浩 JEONG Minho 首尔特别市副市长 团长 +82-10-1111-2222",
         "Daniel LEE Daniel LEE — 团员 —"],
        ["张伟 — — 联络员 13800000000"],
        ["12月3日（周二）14:30–16:00（北京时间） 考察中韩示范区 示范区展示中心 "
         "车辆：吉A·12345 考斯特 · 负责人：张伟，13800000000"],
    ),
    "ko": (
        "창춘 방문 · 서울특별시 대표단 · 2030년 12월 3일~5일",
        ["정민호 JEONG Minho 서울특별시 부시장 단장 +82-10-1111-2222",
         "Daniel LEE Daniel LEE — 단원 —"],
        ["장웨이 — — 연락관 13800000000"],
        ["12월 3일(화) 14:30~16:00(중국 시간) 한중 시범구 시찰 시범구 전시센터 "
         "차량: 吉A·12345 考斯特 · 책임자: 장웨이, 13800000000"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_printed_itinerary_lists_the_delegation_hosts_phones_and_vehicles(
    guest_visit, client, lang
):
    html = client.get(f"/visits/{guest_visit.id}/itinerary?lang={lang}").get_data(as_text=True)
    heading, party, hosts, items = PRINTED[lang]
    assert element_text(html, "itinerary-summary") == heading
    assert member_rows(element_html(html, "delegation")) == party
    assert member_rows(element_html(html, "hosts")) == hosts
    assert _items(html) == items


def test_both_clocks_when_the_visit_asks(guest_visit, client, db):
    form = visit_form(show_both_clocks="y")
    assert client.post(f"/visits/{guest_visit.id}/edit", data=form).status_code == 302
    html = client.get(f"/visits/{guest_visit.id}/itinerary?lang=ko").get_data(as_text=True)
    assert _items(html)[0].startswith(
        "12월 3일(화) 14:30~16:00(중국 시간) / 15:30~17:00(한국 시간) 한중 시범구 시찰"
    )
    assert element_text(html, "itinerary-arrival") == (
        "KE831 12월 3일(화) 10:40(중국 시간) / 11:40(한국 시간) 창춘 룽자 국제공항(CGQ)"
    )


def test_outbound_itinerary_names_our_delegation(auth, client, db, make_user):
    auth.login("coordinator", locale="zh")
    form = visit_form(direction="outbound", timezone="Asia/Seoul", title_zh="示范区代表团访问首尔",
                      arrival_local="", departure_local="")  # fmt: skip
    assert client.post("/visits/new", data=form).status_code == 302
    visit = newest(db, Visit)
    staff = make_user("coordinator", name_zh="王芳", name_ko="왕팡")
    add(client, visit, person=f"user:{staff.id}", role="head")
    add(client, visit, name_ko="한지수", title_ko="국제협력과 주무관")
    html = client.get(f"/visits/{visit.id}/itinerary?lang=ko").get_data(as_text=True)
    assert element_text(html, "itinerary-summary") == (
        "서울특별시 방문 · 창춘 대표단 · 2030년 12월 3일~5일"
    )
    assert member_rows(element_html(html, "delegation")) == ["왕팡 — — 단장 —"]
    assert member_rows(element_html(html, "hosts")) == ["한지수 — 국제협력과 주무관 단원 —"]
    zh = client.get(f"/visits/{visit.id}/itinerary?lang=zh").get_data(as_text=True)
    assert (
        element_text(zh, "itinerary-summary")
        == "长春代表团访问首尔特别市 · 2030年12月3日\u2009–\u20095日"
    )


def test_arrangement_of_an_item_is_changed_and_bad_input_refused(guest_visit, client, db):
    meeting = newest(db, Meeting)
    url = f"/visits/{guest_visit.id}/items/{meeting.id}/arrangement"
    assert client.post(url, data={"vehicle": "大巴", "contact_member": ""}).status_code == 302
    arrangement = db.session.get(ItemArrangement, meeting.id)
    db.session.refresh(arrangement)
    assert (arrangement.vehicle, arrangement.contact_member_id) == ("大巴", None)
    too_long = client.post(url, data={"vehicle": "车" * 101, "contact_member": ""})
    assert too_long.status_code == 400
    db.session.refresh(arrangement)
    assert arrangement.vehicle == "大巴"
    other = f"/visits/{guest_visit.id}/items/999999/arrangement"
    assert client.post(other, data={"vehicle": "x"}).status_code == 404
