"""The annual report of the demo year prints on a few A4 sheets, and its charts are readable:
no label cut off at the chart's edge, the values on the bars at a contrast of 4.5:1 or more
(issue 12, item 6).

The demo history (`flask seed --demo`, as of 7 December 2026, the walkthrough's day) fills its
own database and server, so the page count does not depend on what other browser tests add.
"""

import re
import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from scheduler.extensions import db
from tests.dbtools import scratch_database
from tests.e2e.conftest import LiveServer, LiveUser, _live_app
from tests.e2e.test_contact_flow import sign_in

DEMO_DAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
DEMO_YEAR = 2026
MAX_PAGES = 4  # 8 sheets, several half empty, before issue 12
# Each text's box and its chart's, in page pixels.
LABEL_BOXES = """svg => {
  const outer = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('.axis text')].filter(t => t.textContent.trim()).map(t => {
    const box = t.getBoundingClientRect();
    return {text: t.textContent, left: box.left - outer.left, right: outer.right - box.right};
  });
}"""
# The fill of each printed value and of the bar it is printed on.
VALUE_COLOURS = """svg => [...svg.querySelectorAll('.text-overlay text.value')].map(t => {
  const serie = t.closest('.series').className.baseVal.match(/serie-\\d+/)[0];
  const bar = svg.querySelector(`.plot .series.${serie} .rect`);
  return [getComputedStyle(t).fill, getComputedStyle(bar).fill];
})"""


def _seed_demo(app) -> LiveUser:
    """The demo data as `flask seed --demo` writes it on DEMO_DAY, and a viewer to read it."""
    from scheduler.auth.services import create_user
    from scheduler.demo import seed_demo

    viewer = LiveUser(email="report-viewer@example.org", password="report horse battery")
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("scheduler.demo.now_utc", lambda: DEMO_DAY)
        seed_demo()
        create_user(viewer.email, viewer.password, "viewer", name_zh="赵敏", name_ko="자오민")
        db.session.commit()
        db.session.remove()
    return viewer


@pytest.fixture(scope="module")
def demo_server(database_url, tmp_path_factory):
    """A live server on a database of its own holding the demo history, and its viewer."""
    with scratch_database(database_url, tmp_path_factory.mktemp("demo")) as url:
        app = _live_app(url)
        viewer = _seed_demo(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}"), viewer
        finally:
            server.shutdown()
            thread.join()
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def demo_page(browser, demo_server):
    server, viewer = demo_server
    context = browser.new_context(base_url=server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, viewer)
    try:
        yield page
    finally:
        context.close()


def _pages(pdf: bytes) -> int:
    """The page count of a PDF Chromium wrote: its page tree root counts them all."""
    return max(int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count (\d+)", pdf))


def _luminance(colour: str) -> float:
    def channel(value: str) -> float:
        c = int(value) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in re.findall(r"\d+", colour)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("lang", ["zh", "ko"])
def test_the_demo_years_report_prints_on_a_few_sheets(demo_page, lang):
    demo_page.goto(f"/history/report/{DEMO_YEAR}?lang={lang}")
    assert demo_page.locator("#report-agreements ~ table, .report-agreements").count() == 1
    pdf = demo_page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert 1 < _pages(pdf) <= MAX_PAGES


@pytest.mark.parametrize("path", ["/history/statistics?year=2026", "/history/report/2026"])
def test_chart_labels_are_whole_and_values_readable(demo_page, path):
    demo_page.set_viewport_size({"width": 1366, "height": 768})
    demo_page.goto(path)
    charts = demo_page.locator("svg[role=img]")
    assert charts.count() >= 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        cut = [box for box in chart.evaluate(LABEL_BOXES) if min(box["left"], box["right"]) < 0]
        assert cut == [], chart.get_attribute("id")
        for text, bar in chart.evaluate(VALUE_COLOURS):
            assert contrast(text, bar) >= 4.5, (chart.get_attribute("id"), text, bar)
    kinds = demo_page.locator("#chart-kinds .axis text", has_text="签约（备忘录或协议）")
    assert kinds.count() == 1
