"""A coordinator enters a Gyeonggi delegation as it arrives (no contacts first: one guest in
three scripts, one with only a passport name), then opens the printed itinerary in Korean."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from scheduler.extensions import db
from tests.e2e.test_contact_flow import sign_in, switch_language


@pytest.fixture
def gyeonggi_visit(live_server, live_user):
    """An inbound visit from Gyeonggi to Changchun in the live database: its id."""
    from scheduler.auth.models import User
    from scheduler.partners.services import get_partner
    from scheduler.visits.services import create_visit

    with live_server.app.app_context():
        organizer = db.session.scalar(db.select(User).where(User.email == live_user.email))
        data = {"direction": "inbound", "title_zh": "京畿道代表团访问长春",
                "title_ko": "경기도 대표단 창춘 방문", "start_date": date(2031, 1, 18),
                "end_date": date(2031, 1, 20), "timezone": "Asia/Shanghai"}  # fmt: skip
        visit = create_visit(organizer, data, [get_partner("gyeonggi")])
        db.session.commit()
        visit_id = visit.id
        db.session.remove()
    return visit_id


def add_guest(page, fields: dict[str, str], role: str) -> None:
    form = page.locator("#member-form")
    for field_id, value in fields.items():
        form.locator(f"#{field_id}").fill(value)
    form.locator("#role").select_option(role)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+$"))


def test_delegation_with_guests_on_the_printed_itinerary(page, live_user, gyeonggi_visit):
    sign_in(page, live_user)
    switch_language(page, "zh")
    page.goto(f"/visits/{gyeonggi_visit}")
    add_guest(page, {"name_ko": "정민호", "name_zh": "郑敏浩", "name_latin": "JEONG Minho",
                     "title_zh": "京畿道副知事", "title_ko": "경기도 부지사",
                     "phone": "+82-10-1111-2222"}, "head")  # fmt: skip
    add_guest(page, {"name_latin": "Daniel LEE"}, "interpreter")
    roster = page.locator("#roster > li")
    expect(roster).to_have_count(2)
    expect(roster.nth(0)).to_contain_text("郑敏浩 (JEONG Minho)")
    expect(roster.nth(0)).to_contain_text("+82-10-1111-2222")
    expect(roster.nth(1)).to_contain_text("Daniel LEE")
    # A form without any name is refused beside the field, and nobody is added.
    page.locator("#member-form button[type=submit]").click()
    expect(page.locator("#name_ko-error")).to_be_visible()
    page.goto(f"/visits/{gyeonggi_visit}")
    expect(page.locator("#roster > li")).to_have_count(2)

    page.locator("#print-ko").click()
    expect(page).to_have_url(re.compile(rf"/visits/{gyeonggi_visit}/itinerary\?lang=ko$"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#itinerary-summary")).to_contain_text("창춘 방문 · 경기도 대표단")
    rows = page.locator("#delegation-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["정민호", "JEONG Minho", "경기도 부지사", re.compile(".+"), "+82-10-1111-2222"]
    )
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("Daniel LEE")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Daniel LEE")
