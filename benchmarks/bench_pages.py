"""pages: the busiest pages under load, as an office's server runs them.

Gunicorn with `gunicorn.conf.py` (4 workers) on PostgreSQL, `wrk -t2 -c8 -d10s --latency` per
page with a signed-in coordinator's session cookie: the dashboard, the history list, the month
calendar, a meeting page, a history search, and a 100 KB calendar feed as the yardstick of the
same run. Two rounds: the demo data, then the same database with the 50,000-meeting history on
top. Each page must reach TARGET_RPS with its p99 at most TARGET_P99_MS.

Beside the HTTP figures, `cpu_ms` is the worker's CPU time per request measured in-process
(sequential requests through the test client): on a shared, busy machine it is the steadier
figure. The pages are kept per worker while nothing changes (scheduler/pagecache.py), so
`cpu_ms` is a kept page's cost; `cpu_ms_rendered` is the cost of rendering each page anew
(the first request after any change), with the memory switched off.
PostgreSQL is BENCH_DATABASE_URL's server, else the local one on 127.0.0.1:5432.
"""

import os
import re
import secrets
import shutil
import tempfile
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import sqlalchemy as sa

from benchmarks.database import bench_database

ROOT = Path(__file__).resolve().parent.parent
TARGET_RPS, TARGET_P99_MS, WORKERS, CONNECTIONS = 100, 250, 4, 8
EMAIL, PASSWORD = "pages@example.org", "benchmark password"  # noqa: S105
CPU_REPEAT = 30


def _environment(url: str, folder: Path) -> dict:
    """Settings of the served app (production, as an office runs it)."""
    return {"DATABASE_URL": url, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
            "SECURE_COOKIES": "0", "SCHEDULER_EMBEDDED": "0",
            "MAIL_FOLDER": str(folder / "mail"), "UPLOAD_FOLDER": str(folder / "uploads"),
            "FEED_CACHE_FOLDER": str(folder / "feed-cache"), "METRICS_TOKEN": ""}  # fmt: skip


def _app(environment: dict):
    from config import ProductionConfig
    from scheduler import create_app

    settings = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    settings |= {"SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"],
                 "SECRET_KEY": environment["SECRET_KEY"], "SESSION_COOKIE_SECURE": False,
                 "REMEMBER_COOKIE_SECURE": False, "SCHEDULER_EMBEDDED": False}  # fmt: skip
    settings |= {key: environment[key] for key in ("MAIL_FOLDER", "UPLOAD_FOLDER",
                                                   "FEED_CACHE_FOLDER")}  # fmt: skip
    return create_app(settings)


def _analyze() -> None:
    """Planner statistics, as autovacuum would gather them after a bulk load."""
    from scheduler.extensions import db

    db.session.remove()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))


def _prepare_demo(app) -> dict:
    """Schema, partners and the demo data; the bench user; the pages' addresses."""
    from flask_migrate import upgrade

    from scheduler.auth.services import create_user
    from scheduler.demo import seed_demo
    from scheduler.extensions import db
    from scheduler.feeds.services import create_feed
    from scheduler.meetings.models import Meeting, Participant
    from scheduler.partners.services import get_partner

    with app.app_context():
        upgrade()
        seed_demo()
        user = create_user(EMAIL, PASSWORD, "coordinator", name_zh="王芳")
        # The demo meeting with the most people: the heaviest meeting page.
        busiest = (sa.select(Participant.meeting_id).join(Meeting)
                   .where(Meeting.start_dt >= sa.func.now())
                   .group_by(Participant.meeting_id)
                   .order_by(sa.func.count().desc(), Participant.meeting_id).limit(1))  # fmt: skip
        meeting_id = db.session.scalar(busiest)
        _feed, token = create_feed("partner", get_partner("seoul"), user, "ko")
        db.session.commit()
        user_id = user.id
        _analyze()
    return {"user_id": user_id, "paths": {
        "dashboard": "/", "history": "/history/", "month_calendar": "/calendar/month",
        "meeting": f"/meetings/{meeting_id}", "history_search": "/history/search?q=협력",
        "feed": f"/calendars/{token}.ics",
    }}  # fmt: skip


def _add_history(app, user_id: int) -> None:
    """The 50,000 meetings of `bench_history` on top of the demo data, search index rebuilt."""
    from benchmarks.bench_history import PARTNERS, seed_history
    from scheduler.contacts.models import Contact
    from scheduler.partners.models import Partner

    with app.app_context():
        from scheduler.extensions import db

        partner_ids = db.session.scalars(
            sa.select(Partner.id).order_by(Partner.kr_code).limit(PARTNERS)
        ).all()
        seed_history(user_id, partner_ids, db.session.scalars(sa.select(Contact.id)).all())
    result = app.test_cli_runner().invoke(args=["history", "reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        _analyze()


def _signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    assert client.post("/login", data=form).status_code == 302, "sign-in failed"
    return client


def cpu_ms(app, paths: dict, repeat: int) -> dict:
    """In-process CPU milliseconds per request for each page (after two warm-up requests)."""
    client = _signed_in_client(app)
    figures = {}
    for name, path in paths.items():
        for _ in range(2):
            assert client.get(path).status_code == 200, (name, path)
        started = time.process_time()
        for _ in range(repeat):
            client.get(path)
        figures[name] = round((time.process_time() - started) * 1000 / repeat, 1)
    return figures


def gunicorn(environment: dict):
    """The app under gunicorn with gunicorn.conf.py and 4 workers; yields its base URL."""
    from benchmarks import loadgen

    env = {**os.environ, **environment, "GUNICORN_WORKERS": str(WORKERS),
           "GUNICORN_ACCESS_LOG": os.devnull, "GUNICORN_LOG_LEVEL": "warning"}  # fmt: skip
    return loadgen.gunicorn(["-c", "gunicorn.conf.py", "scheduler:create_app()"], env, "/login")


def session_cookie(base: str) -> str:
    """Sign in over HTTP as the bench user; the Cookie header that carries the session."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    with opener.open(base + "/login") as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    with opener.open(base + "/login", data=urlencode(form).encode()) as response:
        assert not response.url.endswith("/login"), "sign-in over HTTP failed"
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def under_load(base: str, paths: dict, seconds: int) -> dict:
    """wrk -t2 -c8 on each page in turn; requests/s, p50, p99 and whether the targets hold."""
    from benchmarks import loadgen

    headers = {"Cookie": session_cookie(base)}
    figures = {}
    for name, path in paths.items():
        url = base + quote(path, safe="/?=&")  # wrk takes ASCII addresses only
        loadgen.wrk(url, 1, headers, CONNECTIONS)  # every worker warm
        result = loadgen.wrk(url, seconds, headers, CONNECTIONS)
        figures[name] = {
            "requests_per_s": result["requests_per_s"], "p50_ms": result["median_ms"],
            "p99_ms": result["p99_ms"], "errors": result["errors"],
            "met": name == "feed" or (result["requests_per_s"] >= TARGET_RPS
                                      and result["p99_ms"] <= TARGET_P99_MS
                                      and result["errors"] == 0),
        }  # fmt: skip
    return figures


def _round(app, environment: dict, paths: dict, quick: bool) -> dict:
    repeat = 5 if quick else CPU_REPEAT
    figures = {"cpu_ms": cpu_ms(app, paths, repeat)}
    entries, app.config["PAGE_CACHE_ENTRIES"] = app.config["PAGE_CACHE_ENTRIES"], 0
    figures["cpu_ms_rendered"] = cpu_ms(app, paths, repeat)
    app.config["PAGE_CACHE_ENTRIES"] = entries
    with gunicorn(environment) as base:
        figures["http"] = under_load(base, paths, 3 if quick else 10)
    figures["targets_met"] = all(page["met"] for page in figures["http"].values())
    return figures


def _run(url: str, folder: Path, quick: bool) -> dict:
    environment = _environment(url, folder)
    app = _app(environment)
    prepared = _prepare_demo(app)
    result = {"name": "pages", "database": sa.make_url(url).get_backend_name(),
              "workers": WORKERS, "connections": CONNECTIONS, "cpus": os.cpu_count(),
              "target_rps": TARGET_RPS, "target_p99_ms": TARGET_P99_MS,
              "load_average_1m_at_start": round(os.getloadavg()[0], 2),
              "paths": prepared["paths"]}  # fmt: skip
    result["demo"] = _round(app, environment, prepared["paths"], quick)
    _add_history(app, prepared["user_id"])
    result["history_50k"] = _round(app, environment, prepared["paths"], quick)
    with app.app_context():
        from scheduler.extensions import db

        db.engine.dispose()
    result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    result["targets_met"] = result["demo"]["targets_met"] and result["history_50k"]["targets_met"]
    return result


def measure(quick: bool) -> dict:
    if shutil.which("wrk") is None:
        return {"name": "pages", "skipped": "wrk is not installed: apt install wrk"}
    with tempfile.TemporaryDirectory() as name, bench_database(Path(name), postgres=True) as url:
        return _run(url, Path(name), quick)


if __name__ == "__main__":
    import json

    print(json.dumps(measure(quick=True), ensure_ascii=False))
