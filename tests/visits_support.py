"""Shared pieces of the visit tests: form data, HTML helpers and fixtures (a pytest plugin)."""

import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from markupsafe import escape

from scheduler.partners.services import get_partner
from scheduler.visits.models import Visit


def visit_form(**overrides):
    data = {
        "direction": "inbound",
        "title_zh": "首尔市代表团访问长春",
        "title_ko": "서울시 대표단 창춘 방문",
        "partners": [str(get_partner("seoul").id)],
        "start_date": "2030-12-03",
        "end_date": "2030-12-05",
        "timezone": "Asia/Shanghai",
        "arrival_flight": "KE831",
        "arrival_local": "2030-12-03T10:40",
        "arrival_airport": "长春龙嘉国际机场",
        "departure_flight": "KE832",
        "departure_local": "2030-12-05T12:10",
        "departure_airport": "长春龙嘉国际机场",
        "hotel_zh": "长春香格里拉大酒店",
        "hotel_ko": "창춘 샹그릴라 호텔",
        "notes": "",
    }
    data.update(overrides)
    return data


def item_form(**overrides):
    data = {
        "kind": "inspection",
        "title_zh": "考察中韩示范区",
        "title_ko": "한중 시범구 시찰",
        "start_local": "2030-12-03T14:30",
        "end_local": "2030-12-03T16:00",
        "location_zh": "示范区展示中心",
        "location_ko": "시범구 전시센터",
    }
    data.update(overrides)
    return data


def text_of(html: str) -> str:
    """Visible text with tags dropped and ASCII white space collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def element_html(html: str, element_id: str) -> str:
    """The inside of the element with *element_id* (up to the first closing tag of its kind)."""
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"#{element_id} not found"
    return match.group(2)


def element_text(html: str, element_id: str) -> str:
    return text_of(element_html(html, element_id))


def newest(db, model):
    return db.session.scalars(sa.select(model).order_by(model.id.desc())).first()


@pytest.fixture
def visit(auth, client, db):
    """A three-day inbound visit from Seoul, created through the form by a coordinator."""
    auth.login("coordinator", locale="zh", timezone="Asia/Shanghai")
    response = client.post("/visits/new", data=visit_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    return newest(db, Visit)


@pytest.fixture
def translated(app):
    """The catalog's text for a msgid in a language, HTML-escaped (catalogs are filled in later)."""

    def translate(lang, message, **values):
        with app.test_request_context(), force_locale(lang):
            return str(escape(gettext(message, **values)))

    return translate


@pytest.fixture
def full_visit(visit, client, db, make_contact, make_user):
    head = make_contact("seoul", title_zh="副市长", title_ko="부시장")
    liaison = make_user("coordinator", name_zh="张伟", name_ko="장웨이")
    for person, role in [(f"contact:{head.id}", "head"), (f"user:{liaison.id}", "liaison")]:
        client.post(f"/visits/{visit.id}/members", data={"person": person, "role": role})
    client.post(f"/visits/{visit.id}/items", data=item_form())
    client.post(f"/visits/{visit.id}/items", data=item_form(
        start_local="2030-12-04T09:30", end_local="2030-12-04T11:00", kind="signing",
        title_zh="", title_ko="우호교류 협약 체결", location_zh="", location_ko=""))  # fmt: skip
    return visit


def member_rows(html: str) -> list[str]:
    return [text_of(row) for row in re.findall(r'<tr class="member">(.*?)</tr>', html, re.S)]
