"""Contacts: create, edit, deactivate, names in three scripts, bad input."""

import re

import sqlalchemy as sa

from scheduler.contacts.models import Contact
from tests.conftest import count


def _form(**overrides):
    data = {
        "family_name_ko": "박",
        "given_name_ko": "서준",
        "family_name_zh": "朴",
        "given_name_zh": "瑞俊",
        "romanized_family": "Park",
        "romanized_given": "Seo-jun",
        "title_ko": "주무관",
        "title_zh": "主务官",
        "department_ko": "국제협력과",
        "department_zh": "国际合作科",
        "email": "Seojun.Park@Busan.example.kr",
        "phone": "+82-51-888-1234",
        "language": "ko",
        "timezone": "Asia/Seoul",
        "notes": "",
    }
    data.update(overrides)
    return data


def _only_contact(db):
    return db.session.scalars(sa.select(Contact).order_by(Contact.id.desc())).first()


def test_create_contact_under_partner(auth, client, db):
    auth.login("coordinator")
    before = count(Contact)
    response = client.post("/contacts/new/busan", data=_form())
    assert response.status_code == 302
    assert count(Contact) == before + 1
    contact = _only_contact(db)
    assert contact.partner.slug == "busan"
    assert contact.email == "seojun.park@busan.example.kr"
    assert contact.romanized == "Park Seo-jun"


def test_names_family_first_in_zh_and_ko_given_first_in_en(auth, client, make_contact):
    names = {
        "family_name_ko": "남궁", "given_name_ko": "민", "family_name_zh": "南宫",
        "given_name_zh": "敏", "romanized_family": "Namgung", "romanized_given": "Min",
    }  # fmt: skip
    contact = make_contact("busan", **names)
    for locale, expected in (("ko", "남궁민"), ("zh", "南宫敏"), ("en", "Min NAMGUNG")):
        auth.login("viewer", locale=locale)
        html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
        assert f'<h1 class="h3">{expected}' in html, locale
        auth.logout()


def test_timezone_alias_is_stored_canonically(auth, client, db):
    auth.login("coordinator")
    client.post("/contacts/new/busan", data=_form(timezone="Asia/Harbin"))
    assert _only_contact(db).timezone == "Asia/Shanghai"


def test_bad_input_is_rejected_and_changes_nothing(auth, client, db, make_contact):
    existing = make_contact("seoul", email="taken@seoul.example.kr")
    auth.login("coordinator", locale="ko")
    before = count(Contact)
    cases = {
        "email": ("not-an-email", "올바른 이메일 주소가 아닙니다."),
        "timezone": ("Asia/Atlantis", "알 수 없는 시간대입니다."),
        "title_ko": ("가" * 101, "최대 100자까지 입력할 수 있습니다."),
    }
    for field, (value, message) in cases.items():
        response = client.post("/contacts/new/busan", data=_form(**{field: value}))
        assert response.status_code == 400, field
        html = response.get_data(as_text=True)
        assert f'id="{field}-error">{message}' in html, field
    duplicate = client.post("/contacts/new/busan", data=_form(email="TAKEN@seoul.example.kr"))
    assert duplicate.status_code == 400
    nameless = _form(family_name_ko="", family_name_zh="", romanized_family="")
    assert client.post("/contacts/new/busan", data=nameless).status_code == 400
    assert client.post("/contacts/new/atlantis", data=_form()).status_code == 404
    assert count(Contact) == before
    assert existing.email == "taken@seoul.example.kr"


def test_html_in_names_is_escaped(auth, client, db):
    auth.login("coordinator")
    client.post("/contacts/new/busan", data=_form(given_name_ko="<b>x</b>"))
    contact = _only_contact(db)
    html = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_edit_contact(auth, client, db, make_contact):
    contact = make_contact("seoul")
    auth.login("coordinator")
    response = client.post(f"/contacts/{contact.id}/edit", data=_form(title_zh="处长"))
    assert response.status_code == 302
    assert contact.title_zh == "处长"
    same_email = _form(email=contact.email.upper())
    assert client.post(f"/contacts/{contact.id}/edit", data=same_email).status_code == 302


def test_deactivate_keeps_history_and_hides_from_list(auth, client, db, make_contact):
    contact = make_contact("seoul", given_name_ko="퇴직", given_name_zh="退职")
    auth.login("coordinator")
    assert client.post(f"/contacts/{contact.id}/active", data={"active": "0"}).status_code == 302
    assert contact.is_active is False
    assert "金退职" not in client.get("/contacts/").get_data(as_text=True)
    assert "金退职" in client.get("/contacts/?inactive=1").get_data(as_text=True)
    assert client.get(f"/contacts/{contact.id}").status_code == 200
    client.post(f"/contacts/{contact.id}/active", data={"active": "1"})
    assert contact.is_active is True


def test_viewer_cannot_change_contacts(auth, client, db, make_contact):
    contact = make_contact("seoul")
    auth.login("viewer")
    assert client.post("/contacts/new/busan", data=_form()).status_code == 403
    assert client.post(f"/contacts/{contact.id}/edit", data=_form()).status_code == 403
    assert client.post(f"/contacts/{contact.id}/active", data={"active": "0"}).status_code == 403
    assert contact.is_active is True


def test_missing_csrf_token_is_rejected(csrf_app, client, db, make_user):
    user = make_user(role="coordinator")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = {"email": user.email, "password": "correct horse battery", "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    before = count(Contact)
    response = client.post("/contacts/new/busan", data=_form())
    assert response.status_code == 400
    assert count(Contact) == before
    response = client.post("/contacts/new/busan", data={**_form(), "csrf_token": "forged"})
    assert response.status_code == 400
    assert count(Contact) == before
