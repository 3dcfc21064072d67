"""Layout and accessibility in the browser (issue 12, item 1).

The navigation bar holds one line on a 1366 px laptop screen in every language, its menus work
with and without script, axe-core (node_modules, test-only like ical.js) finds no serious or
critical violation on the main pages in zh, ko and en at 1366 px and 390 px, and the month
calendar turns into a list of days on a phone.

One page signed in as an administrator (the most items in the bar) serves the whole module; axe
is injected by Playwright as an init script, which the app's CSP (script-src 'self') allows.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scheduler.extensions import db
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_contact_flow import sign_in, switch_language

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LANGUAGES = ("zh", "ko", "en")
BLOCKING = {"serious", "critical"}
# The page's violations as plain data: rule, impact and where (first three nodes).
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '')),
  }));
}"""
# The vertical middle of each element, in whole pixels.
MIDDLES = """els => els.map(e => {
  const box = e.getBoundingClientRect();
  return Math.round(box.top + box.height / 2);
})"""


@dataclass(frozen=True)
class Records:
    """What the checked pages show: one of each kind of record, found by id."""

    email: str
    password: str
    marker: str
    contact_id: int
    contact_key: str
    meeting_id: int
    meeting_day: date
    visit_id: int
    series_id: int


def _create_records(app) -> Records:
    """An administrator, a Busan contact, a draft video link with that contact and a visit in
    the coming weeks, and a monthly series from next New Year's Day."""
    from scheduler.auth.services import create_user
    from scheduler.contacts.services import create_contact
    from scheduler.meetings import services
    from scheduler.meetings.series import services as series_services
    from scheduler.meetings.series.recurrence import Rule
    from scheduler.partners.services import get_partner
    from scheduler.people import key_of
    from scheduler.visits.delegation import add_member, arrange_item
    from scheduler.visits.services import add_itinerary_item, create_visit

    marker = uuid.uuid4().hex[:6]
    email, password = f"axe-{marker}@example.org", "axe horse battery"
    day = date.today() + timedelta(days=9)
    with app.app_context():
        busan = get_partner("busan")
        admin = create_user(email, password, "admin", name_zh="李明", name_ko="이밍")
        contact = create_contact(busan, {
            "family_name_ko": "김", "given_name_ko": "서연", "family_name_zh": "金",
            "given_name_zh": "瑞妍", "romanized_family": "Kim", "romanized_given": "Seoyeon",
            "email": f"seoyeon-{marker}@busan.example.kr", "language": "ko",
            "timezone": "Asia/Seoul",
        })  # fmt: skip
        start = datetime.combine(day, time(2, 0), tzinfo=UTC)  # 10:00 in Changchun
        meeting = services.create_meeting(admin, {
            "kind": "video_link", "title_zh": f"釜山港口物流视频连线 {marker}",
            "title_ko": f"부산 항만물류 화상회의 {marker}", "start_dt": start,
            "end_dt": start + timedelta(hours=1), "timezone": "Asia/Shanghai",
        }, [busan])  # fmt: skip
        services.add_participant(meeting, contact=contact)
        visit = create_visit(admin, {
            "direction": "inbound", "title_zh": f"釜山代表团来访 {marker}",
            "title_ko": f"부산 대표단 방문 {marker}", "start_date": day + timedelta(days=20),
            "end_date": day + timedelta(days=22), "timezone": "Asia/Shanghai",
        }, [busan])  # fmt: skip
        # A guest by name and one in charge of an item: the visit page's people and item forms.
        add_member(visit, "head", name_ko="정민호", name_latin="JEONG Minho", phone="010-1")
        driver = add_member(visit, "driver", name_latin="Daniel LEE")
        item = add_itinerary_item(visit, admin, {
            "kind": "inspection", "title_zh": f"示范区考察 {marker}", "title_ko": "",
            "start_dt": datetime.combine(visit.start_date, time(6, 0), UTC),
            "end_dt": datetime.combine(visit.start_date, time(7, 0), UTC),
        })  # fmt: skip
        arrange_item(visit, item, "考斯特", driver)
        new_year = date(day.year + 1, 1, 1)  # a holiday on both sides: a highlighted row
        rule = Rule(freq="monthly", interval=1, start_date=new_year, start_time=time(14, 0),
                    duration_minutes=60, zone="Asia/Shanghai", month_day=1, count=3)  # fmt: skip
        series = series_services.create_series(admin, rule, {
            "kind": "video_link", "title_zh": f"釜山月度例会 {marker}",
            "title_ko": f"부산 월례 회의 {marker}",
        }, [busan])  # fmt: skip
        db.session.commit()
        records = Records(email, password, marker, contact.id, key_of(contact), meeting.id,
                          day, visit.id, series.id)  # fmt: skip
        db.session.remove()
    return records


@pytest.fixture(scope="module")
def records(live_server) -> Records:
    return _create_records(live_server.app)


@pytest.fixture(scope="module")
def admin_page(browser, live_server, records):
    """One signed-in administrator's page for the module, with axe-core loaded on every page."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `make node-tools`", pytrace=False)
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    sign_in(page, records)
    yield page
    context.close()


def _in_language(page: Page, lang: str, viewport: dict) -> None:
    page.set_viewport_size(LAPTOP)
    page.goto("/")
    switch_language(page, lang)
    page.set_viewport_size(viewport)


def _main_pages(r: Records) -> list[str]:
    week_day = r.meeting_day.isoformat()
    slots = (f"/meetings/find-a-time?participants={r.contact_key}&duration=60"
             f"&first_day={week_day}&last_day={(r.meeting_day + timedelta(days=4)).isoformat()}"
             "&buffer=15&notice=24&room_id=0")  # fmt: skip
    return [
        "/", "/partners/", "/partners/busan", f"/contacts/{r.contact_id}", "/meetings/new",
        f"/meetings/{r.meeting_id}", f"/calendar/month?date={week_day}",
        f"/calendar/week?date={week_day}", "/meetings/find-a-time", slots,
        f"/calendar/month?date={(r.meeting_day + timedelta(days=20)).isoformat()}",  # the visit
        f"/visits/{r.visit_id}", f"/meetings/series/{r.series_id}", "/history/",
        f"/history/search?q={r.marker}", f"/search?q={r.marker}", "/history/statistics",
        "/outbox/", "/audit/",
    ]  # fmt: skip


def _blocking_violations(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found = page.evaluate(RUN_AXE)
    return [
        f"{url} {v['impact']} {v['id']}: {' | '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "390px"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_have_no_serious_axe_violations(admin_page, records, lang, viewport):
    _in_language(admin_page, lang, viewport)
    problems = [p for url in _main_pages(records) for p in _blocking_violations(admin_page, url)]
    assert problems == []


def _bar_height(page: Page) -> float:
    return page.locator("nav.navbar").evaluate("nav => nav.getBoundingClientRect().height")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_navbar_is_one_line_at_1366_px(admin_page, lang):
    _in_language(admin_page, lang, {"width": 2560, "height": 768})
    one_line = _bar_height(admin_page)  # all items side by side with room to spare
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto("/")
    assert _bar_height(admin_page) == one_line
    items = admin_page.locator("#nav-main .nav-link, #nav-main .nav-search, .navbar-brand")
    tops = items.evaluate_all(MIDDLES)
    assert max(tops) - min(tops) < 5, tops  # every item on one line, no label broken in two
    assert admin_page.evaluate("document.documentElement.scrollWidth") == LAPTOP["width"]


def test_menus_lead_to_the_admin_pages_and_close_on_escape(admin_page):
    _in_language(admin_page, "en", LAPTOP)
    audit = admin_page.locator('#manage-menu a[href="/audit/"]')
    expect(audit).to_be_hidden()
    admin_page.locator("#manage-menu > summary").click()
    expect(audit).to_be_visible()
    admin_page.keyboard.press("Escape")
    expect(audit).to_be_hidden()
    expect(admin_page.locator("#manage-menu > summary")).to_be_focused()
    admin_page.locator("#manage-menu > summary").click()
    admin_page.locator("#user-menu > summary").click()  # opening one menu closes the other
    expect(audit).to_be_hidden()
    admin_page.locator("#manage-menu > summary").click()
    audit.click()
    expect(admin_page).to_have_url(re.compile(r"/audit/$"))


def test_menus_and_language_switch_work_without_script(browser, live_server, records):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=LAPTOP, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, records)
        page.locator("#manage-menu > summary").click()
        page.locator('#manage-menu a[href="/outbox/"]').click()
        expect(page).to_have_url(re.compile(r"/outbox/$"))
        switch_language(page, "ko")
        expect(page).to_have_url(re.compile(r"/outbox/$"))
    finally:
        context.close()


def test_month_calendar_is_a_list_of_days_on_a_phone(admin_page, records):
    _in_language(admin_page, "zh", PHONE)
    admin_page.goto(f"/calendar/month?date={records.meeting_day.isoformat()}")
    day = admin_page.locator(f'td[data-date="{records.meeting_day.isoformat()}"]')
    expect(day.locator(".cal-day-name")).to_be_visible()  # its full date, e.g. 12月16日周三
    expect(day.locator(".cal-title")).to_contain_text(records.marker)
    expect(admin_page.locator(".cal-month thead")).to_be_hidden()
    empty_days = admin_page.locator("td.cal-empty")
    assert empty_days.count() > 0
    expect(empty_days.first).to_be_hidden()
    assert admin_page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]

    admin_page.set_viewport_size(LAPTOP)
    expect(admin_page.locator(".cal-month thead th")).to_have_count(7)
    # The grid shows the day's number; the full date stays for screen readers (1 px, clipped).
    assert day.locator(".cal-day-name").bounding_box()["width"] <= 1
    expect(empty_days.first).to_be_visible()
