"""feed: partner subscription feeds of 1,000 and 200 events, the targets of issue 5.

Server time, measured by calling the app's WSGI stack in process (no HTTP client in the
figure): an unchanged feed's full GET, a 304 revalidation, a GET right after one meeting of
the feed changed, a GET with nothing cached at all, and, as that one's yardstick, icalendar
alone building and serializing the same 1,000 events.

Over loopback HTTP: the app under gunicorn with 2 workers, and in the same run the same bytes
served as a static file by Flask, each driven by `wrk -t2 -c4` (or a Python generator of the
same shape where wrk is missing; the JSON says which); the 1,000-event feed also as calendar
clients fetch it, with Accept-Encoding: gzip. The issue's own yardsticks (its machine's static
file rate and icalendar's time per event) are printed beside ours, to read absolute targets by.
BENCH_DATABASE_URL (PostgreSQL) makes the run use a scratch database on that server; SQLite in
a temporary folder otherwise.
"""

import gzip
import hashlib
import io
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from benchmarks.database import bench_database

EVENTS, SMALL_EVERY = 1000, 5  # the small feed's partner is on every 5th meeting: 200 events
PASSWORD = "benchmark password"  # noqa: S105
GZIP = {"Accept-Encoding": "gzip"}
# The issue's machine: "the static file does about 1,900" requests/s; "rendering a VEVENT
# with icalendar costs about 0.2–0.3 ms". Printed beside ours to read the absolute targets.
REFERENCE_STATIC_RPS, REFERENCE_ICALENDAR_MS_PER_EVENT = 1900, 0.25
ROOT = Path(__file__).resolve().parent.parent


def app_for(url: str):
    from config import TestingConfig
    from scheduler import create_app

    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})


def _rows(organizer_id: int) -> list[dict]:
    """1,000 meetings spread over the default window (80 days back to 16 months ahead)."""
    first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=80)
    rows = []
    for n in range(EVENTS):
        start = first + timedelta(hours=13 * n)
        rows.append({
            "uid": str(uuid.uuid4()), "kind": "video_link", "status": "confirmed",
            "title_zh": f"中韩交流视频会议 第{n}次", "title_ko": f"한중 교류 화상회의 제{n}차",
            "agenda_zh": "合作项目进展汇报。", "agenda_ko": "협력 사업 진행 보고.",
            "join_url": "https://meet.example.org/r/1", "passcode": "735911",
            "start_dt": start, "end_dt": start + timedelta(minutes=60),
            "timezone": "Asia/Shanghai", "organizer_id": organizer_id,
        })  # fmt: skip
    return rows


def _prepare(app) -> dict[str, str]:
    """Schema, partners, 1,000 meetings with Seoul (every 5th also with Busan), a Korean feed
    for each; returns {"1000": path, "200": path}."""
    from flask_migrate import upgrade

    from scheduler.auth.services import create_user
    from scheduler.extensions import db
    from scheduler.feeds.services import create_feed
    from scheduler.meetings.models import Meeting, meeting_partners
    from scheduler.partners.services import get_partner, seed_partners

    with app.app_context():
        upgrade()
        seed_partners()
        user = create_user("bench@example.org", PASSWORD, "coordinator", name_zh="王芳")
        db.session.execute(sa.insert(Meeting), _rows(user.id))
        seoul, busan = get_partner("seoul"), get_partner("busan")
        ids = db.session.scalars(sa.select(Meeting.id).order_by(Meeting.id)).all()
        links = [{"meeting_id": mid, "partner_id": seoul.id} for mid in ids]
        links += [{"meeting_id": mid, "partner_id": busan.id} for mid in ids[::SMALL_EVERY]]
        db.session.execute(sa.insert(meeting_partners), links)
        paths = {}
        for label, partner in (("1000", seoul), ("200", busan)):
            _feed, token = create_feed("partner", partner, user, "ko")
            paths[label] = f"/calendars/{token}.ics"
        db.session.commit()
        db.session.remove()
        with db.engine.connect() as connection:  # statistics, as autovacuum would gather
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    return paths


class Server:
    """Calls the WSGI app directly: the time a request spends in the server, nothing else."""

    def __init__(self, app):
        self.app = app

    def get(self, path: str, headers: dict | None = None) -> tuple[str, dict, bytes]:
        from werkzeug.test import EnvironBuilder

        environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
        return self.call(environ)

    def call(self, environ: dict) -> tuple[str, dict, bytes]:
        answer = {}

        def start_response(status, headers, _exc_info=None):
            answer["status"], answer["headers"] = status, dict(headers)

        chunks = self.app(dict(environ, **{"wsgi.input": io.BytesIO()}), start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return answer["status"], answer["headers"], body

    def timed_get(self, path: str, headers: dict | None = None, repeat: int = 1) -> dict:
        from werkzeug.test import EnvironBuilder

        from benchmarks.run import timed

        environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
        return timed(lambda: self.call(environ), repeat)


def _touch_one(app) -> None:
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).first()
        meeting.title_ko = f"바뀐 제목 {uuid.uuid4().hex[:6]}"
        db.session.commit()
        db.session.remove()


def _drop_caches(app) -> None:
    from scheduler.extensions import db
    from scheduler.feeds.cache import memory
    from scheduler.feeds.models import FeedBody, FeedEventBlock

    with app.app_context():
        db.session.execute(sa.delete(FeedBody))
        db.session.execute(sa.delete(FeedEventBlock))
        db.session.commit()
        db.session.remove()
    memory.clear()


def _icalendar_alone(app) -> None:
    """build_event for every meeting and one Calendar serialization: the uncached yardstick."""
    from sqlalchemy.orm import selectinload

    from scheduler.extensions import db
    from scheduler.invites.ical import build_event, calendar_bytes
    from scheduler.meetings.models import Meeting

    with app.test_request_context():
        meetings = db.session.scalars(sa.select(Meeting).options(
            selectinload(Meeting.partners), selectinload(Meeting.organizer))).all()  # fmt: skip
        calendar_bytes([build_event(m, "ko", zone="Asia/Seoul") for m in meetings])
        db.session.remove()


def _median_after(prepare, call, repeat: int) -> dict:
    samples = []
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"median_ms": round(samples[len(samples) // 2], 2), "p95_ms": round(samples[-1], 2)}


def in_process(app, paths: dict, quick: bool) -> dict:
    """Server-time figures (see the module docstring)."""
    from benchmarks.run import timed

    server, repeat = Server(app), 10 if quick else 50
    status, headers, body = server.get(paths["1000"])
    assert status.startswith("200") and body.count(b"BEGIN:VEVENT") == EVENTS, status
    small = server.get(paths["200"])[2]
    assert small.count(b"BEGIN:VEVENT") == EVENTS // SMALL_EVERY
    full = server.timed_get(paths["1000"], repeat=repeat * 4)
    full_small = server.timed_get(paths["200"], repeat=repeat * 4)
    etag = {"If-None-Match": headers["ETag"]}
    assert server.get(paths["1000"], etag)[0].startswith("304")
    revalidate = server.timed_get(paths["1000"], etag, repeat=repeat * 10)
    changed = _median_after(lambda: _touch_one(app), lambda: server.get(paths["1000"]), 2 * repeat)
    _icalendar_alone(app)  # warm the zone cache as the feed has it
    cold, yardstick, ratios = [], [], []
    for _ in range(3 if quick else 7):  # interleaved: a busy machine slows both alike
        _drop_caches(app)
        cold.append(timed(lambda: server.get(paths["1000"]), 1)["median_ms"])
        yardstick.append(timed(lambda: _icalendar_alone(app), 1)["median_ms"])
        ratios.append(cold[-1] / yardstick[-1])
    return {
        "full_1000_median_ms": full["median_ms"], "full_1000_p95_ms": full["p95_ms"],
        "full_200_median_ms": full_small["median_ms"],
        "not_modified_median_ms": revalidate["median_ms"],
        "not_modified_p95_ms": revalidate["p95_ms"], "not_modified_target_ms": 1,
        "after_change_median_ms": changed["median_ms"],
        "after_change_p95_ms": changed["p95_ms"], "after_change_target_ms": 25,
        "uncached_median_ms": statistics.median(cold),
        "icalendar_alone_median_ms": statistics.median(yardstick),
        "icalendar_ms_per_event": round(statistics.median(yardstick) / EVENTS, 3),
        "icalendar_ms_per_event_reference_machine": REFERENCE_ICALENDAR_MS_PER_EVENT,
        "uncached_ratio": round(statistics.median(ratios), 2),
        "uncached_ratio_target": 1.3,
        "body_kb": round(len(body) / 1024), "body_200_kb": round(len(small) / 1024),
    }  # fmt: skip


def gunicorn(url: str, static_dir: Path):
    """The app under gunicorn (2 sync workers) on a free loopback port; yields its base URL."""
    from benchmarks import loadgen

    env = {**os.environ, "BENCH_FEED_DATABASE_URL": url, "BENCH_FEED_STATIC_DIR": str(static_dir)}
    arguments = ["--workers", "2", "--log-level", "warning", "benchmarks.feed_server:create()"]
    return loadgen.gunicorn(arguments, env, "/bench-static/feed-200.ics")


def _fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as got:
            return got.status, got.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def over_http(url: str, paths: dict, bodies: dict, folder: Path, quick: bool) -> dict:
    """Feed vs. static file through gunicorn, side by side, under wrk -t2 -c4."""
    from benchmarks import loadgen

    static_dir = folder / "static"
    static_dir.mkdir()
    for label, body in bodies.items():
        (static_dir / f"feed-{label}.ics").write_bytes(body)
    seconds, rounds = (3, 1) if quick else (5, 3)
    figures = {"load_tool": loadgen.tool(), "load_seconds": seconds, "load_rounds": rounds}
    etag = {"If-None-Match": '"' + hashlib.sha256(bodies["1000"]).hexdigest() + '"'}
    with gunicorn(url, static_dir) as base:
        targets = {}
        for label, path in paths.items():
            targets[f"feed_{label}"] = (base + path, {})
            targets[f"static_{label}"] = (f"{base}/bench-static/feed-{label}.ics", {})
            for name in (f"feed_{label}", f"static_{label}"):
                status, served = _fetch(targets[name][0])
                assert status == 200 and served == bodies[label], (name, status)
        targets["not_modified"] = (base + paths["1000"], etag)
        assert _fetch(*targets["not_modified"])[0] == 304
        # As calendar clients ask (Google, Outlook and Apple send Accept-Encoding: gzip).
        targets["feed_1000_gzip"] = (base + paths["1000"], GZIP)
        status, packed = _fetch(*targets["feed_1000_gzip"])
        assert status == 200 and gzip.decompress(packed) == bodies["1000"]
        figures["gzip_1000_kb"] = round(len(packed) / 1024)
        for target, headers in targets.values():
            loadgen.load(target, 1, headers)  # both workers warm (memory copies, zone caches)
        runs = {name: [] for name in targets}
        for _ in range(rounds):  # interleaved: a busy machine slows feed and file alike
            for name, (target, headers) in targets.items():
                result = loadgen.load(target, seconds, headers)
                assert result["errors"] == 0, (name, result)
                runs[name].append(result)
    for name, results in runs.items():
        figures[f"http_{name}_rps"] = statistics.median(r["requests_per_s"] for r in results)
        figures[f"http_{name}_median_ms"] = statistics.median(r["median_ms"] for r in results)
    for label in paths:
        ratios = [feed["median_ms"] / static["median_ms"]
                  for feed, static in zip(runs[f"feed_{label}"], runs[f"static_{label}"],
                                          strict=True)]  # fmt: skip
        figures[f"http_{label}_median_vs_static"] = round(statistics.median(ratios), 2)
    figures.update({"http_median_vs_static_target": 2, "http_rps_target": 1000})
    figures["static_1000_rps_vs_reference_machine"] = round(
        figures["http_static_1000_rps"] / REFERENCE_STATIC_RPS, 2
    )
    return figures


def measure(quick: bool) -> dict:
    with tempfile.TemporaryDirectory() as name, bench_database(Path(name)) as url:
        folder = Path(name)
        app = app_for(url)
        paths = _prepare(app)
        backend = sa.engine.make_url(url).get_backend_name()
        # Timings are wall-clock: on a shared machine, read them against its load.
        result = {"name": "feed", "n": EVENTS, "database": backend, "cpus": os.cpu_count(),
                  "load_average_1m_at_start": round(os.getloadavg()[0], 2)}  # fmt: skip
        result |= in_process(app, paths, quick)
        result |= {"median_ms": result["full_1000_median_ms"],
                   "p95_ms": result["full_1000_p95_ms"], "target_ms": 50}  # fmt: skip
        server = Server(app)
        bodies = {label: server.get(path)[2] for label, path in paths.items()}
        with app.app_context():
            from scheduler.extensions import db

            db.engine.dispose()
        result |= over_http(url, paths, bodies, folder, quick)
        result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
        return result


if __name__ == "__main__":
    import json

    print(json.dumps(measure(quick=True), ensure_ascii=False))
