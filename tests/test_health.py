"""/healthz: the same JSON keys in every state, 200 only when every check passes."""

from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from flask_migrate import downgrade

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.jobs import add_jobs
from scheduler.ops import heartbeat
from scheduler.ops.health import migration_heads
from tests.outage_support import database_down, queue_message, sign_in

CHECKS = ["database", "disk", "migrations", "outbox", "scheduler"]
DISK = ["feed_cache", "mail", "ok", "uploads"]


@pytest.fixture
def ops_app(outage_app):
    outage_app.config["HEALTH_MIN_FREE_BYTES"] = 1  # any test machine has a byte left
    return outage_app


def _beat(app, seconds_ago: float = 0) -> None:
    with app.app_context():
        heartbeat.beat(now_utc() - timedelta(seconds=seconds_ago))
        db.session.commit()


def _health(app, client=None):
    response = (client or app.test_client()).get("/healthz")
    body = response.get_json()
    assert sorted(body) == ["checks", "status"] and sorted(body["checks"]) == CHECKS
    assert sorted(body["checks"]["disk"]) == DISK
    return response.status_code, body["status"], body["checks"]


def _heads(app) -> list[str]:
    with app.app_context():
        return list(migration_heads())


def test_healthy(ops_app):
    _beat(ops_app, seconds_ago=10)
    status, word, checks = _health(ops_app)
    assert (status, word) == (200, "ok")
    heads = _heads(ops_app)
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": True, "current": heads, "head": heads}
    assert checks["scheduler"]["ok"] is True
    assert sorted(checks["scheduler"]) == ["heartbeat_age_seconds", "ok"]
    assert 10 <= checks["scheduler"]["heartbeat_age_seconds"] < 120
    assert checks["outbox"] == {
        "ok": True,
        "backlog": 0,
        "oldest_pending_age_seconds": None,
        "failed": 0,
    }
    for folder in ("mail", "uploads", "feed_cache"):
        assert checks["disk"][folder]["ok"] is True
        assert checks["disk"][folder]["free_bytes"] > 0
    assert checks["disk"]["ok"] is True


def test_healthy_also_for_a_signed_in_browser(ops_app):
    """The request's session has read the user (on SQLite it holds the write lock): the
    checks' own connections neither wait for it nor time out as "database is locked"."""
    _beat(ops_app)
    status, word, checks = _health(ops_app, sign_in(ops_app))
    assert (status, word) == (200, "ok") and checks["migrations"]["ok"] is True


def test_needs_no_login_and_tells_no_secret(ops_app):
    _beat(ops_app)
    response = ops_app.test_client().get("/healthz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for secret in ("sqlite", "postgresql", str(ops_app.config["MAIL_FOLDER"]), "staff@"):
        assert secret not in text


def test_no_heartbeat_or_a_stale_one(ops_app):
    status, word, checks = _health(ops_app)
    assert (status, word) == (503, "failing")
    assert checks["scheduler"] == {"ok": False, "heartbeat_age_seconds": None}
    assert checks["database"] == {"ok": True} and checks["outbox"]["ok"] is True
    _beat(ops_app, seconds_ago=3600)
    status, _, checks = _health(ops_app)
    assert status == 503 and checks["scheduler"]["ok"] is False
    assert checks["scheduler"]["heartbeat_age_seconds"] >= 3600


def test_the_scheduler_process_beats_and_a_clean_stop_forgets_it(ops_app):
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, ops_app)
    job = scheduler.get_job("heartbeat")
    assert job.trigger.interval == timedelta(seconds=30)
    job.func(ops_app)
    assert _health(ops_app)[0] == 200
    with ops_app.app_context():
        heartbeat.forget()
        db.session.commit()
    assert _health(ops_app)[2]["scheduler"]["heartbeat_age_seconds"] is None


def test_migrations_behind(ops_app):
    _beat(ops_app)
    with ops_app.app_context():
        downgrade(revision="-1")
    status, word, checks = _health(ops_app)
    assert (status, word) == (503, "failing")
    heads = _heads(ops_app)
    assert checks["migrations"]["ok"] is False and checks["migrations"]["head"] == heads
    assert checks["migrations"]["current"] != heads and len(checks["migrations"]["current"]) == 1
    assert checks["database"] == {"ok": True}


def test_database_down(ops_app, tmp_path):
    _beat(ops_app)
    with database_down(ops_app, tmp_path):
        status, word, checks = _health(ops_app)
    assert (status, word) == (503, "failing")
    assert checks["database"] == {"ok": False}
    assert checks["migrations"] == {"ok": False, "current": None, "head": _heads(ops_app)}
    assert checks["scheduler"] == {"ok": False, "heartbeat_age_seconds": None}
    assert checks["outbox"] == {
        "ok": False,
        "backlog": None,
        "oldest_pending_age_seconds": None,
        "failed": None,
    }
    assert checks["disk"]["ok"] is True
    assert _health(ops_app)[0] == 200  # back by itself


def test_outbox_backlog_and_age(ops_app):
    _beat(ops_app)
    queue_message(ops_app, hours_ago=1)
    queue_message(ops_app, "failed", hours_ago=2)
    status, _, checks = _health(ops_app)
    assert status == 200
    outbox = checks["outbox"]
    assert (outbox["ok"], outbox["backlog"], outbox["failed"]) == (True, 1, 1)
    assert 3600 <= outbox["oldest_pending_age_seconds"] < 7200
    queue_message(ops_app, "sending", hours_ago=7)  # older than HEALTH_OUTBOX_MAX_AGE_SECONDS (6 h)
    status, _, checks = _health(ops_app)
    assert status == 503 and checks["outbox"]["ok"] is False
    assert checks["outbox"]["backlog"] == 2
    ops_app.config["HEALTH_OUTBOX_MAX_AGE_SECONDS"] = 8 * 3600
    ops_app.config["HEALTH_OUTBOX_MAX_BACKLOG"] = 1
    assert _health(ops_app)[2]["outbox"]["ok"] is False
    ops_app.config["HEALTH_OUTBOX_MAX_BACKLOG"] = 2
    assert _health(ops_app)[0] == 200
    with ops_app.app_context():
        assert db.session.query(OutboxMessage).count() == 3


def test_a_folder_short_of_space(ops_app):
    _beat(ops_app)
    ops_app.config["HEALTH_MIN_FREE_BYTES"] = 1 << 62  # more than any disk
    status, _, checks = _health(ops_app)
    assert status == 503 and checks["disk"]["ok"] is False
    assert checks["disk"]["mail"]["ok"] is False and checks["disk"]["mail"]["free_bytes"] > 0
