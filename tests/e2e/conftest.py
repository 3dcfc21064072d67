"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1.

Every test here carries the `browser` marker. Without Chromium they are skipped with a reason,
unless REQUIRE_BROWSER=1 (CI), where a missing browser is an error. CHROMIUM_PATH overrides
where Chromium is looked for.
"""

import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db

E2E_DIR = Path(__file__).resolve().parent
MISSING_BROWSER = "Chromium not installed: apt-get install chromium"
# Headless, and quiet: as root without a sandbox, and with no background traffic to Google
# (updates, sync, QUIC probes) that would only time out on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000  # a failing locator gives up after this instead of Playwright's 30 s


def chromium_path() -> str | None:
    """Where Chromium is: $CHROMIUM_PATH if set, else `chromium` on PATH or /usr/bin/chromium."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    default = Path("/usr/bin/chromium")
    return shutil.which("chromium") or (str(default) if os.access(default, os.X_OK) else None)


def browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Mark the tests under tests/e2e as `browser`; skip them when Chromium is missing."""
    skip = None if chromium_path() or browser_required() else pytest.mark.skip(MISSING_BROWSER)
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (a missing one fails under REQUIRE_BROWSER=1)."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING_BROWSER}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """The app served over real HTTP: `.url` (no trailing slash) and `.app`."""

    app: Flask
    url: str


def _live_app(database_url: str) -> Flask:
    """An app of its own (CSRF on, as in production) on a migrated, seeded database."""
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True}
    )
    with app.app_context():
        upgrade()
        from scheduler.partners.services import seed_partners

        seed_partners()
        db.session.commit()
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def live_server(session_scratch_database_url):
    """The live app on 127.0.0.1 and a free port, in a daemon thread, for the session."""
    app = _live_app(session_scratch_database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()  # let the scratch database be dropped


@dataclass(frozen=True)
class LiveUser:
    email: str
    password: str


@pytest.fixture
def live_user(live_server):
    """A fresh coordinator in the live server's database, with no saved language."""
    from scheduler.auth.services import create_user

    user = LiveUser(email=f"e2e-{uuid.uuid4().hex[:8]}@example.org", password="e2e horse battery")
    with live_server.app.app_context():
        create_user(user.email, user.password, "coordinator", name_zh="王芳", name_ko="왕팡")
        db.session.commit()
        db.session.remove()
    return user


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context (own cookies), relative URLs going to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
