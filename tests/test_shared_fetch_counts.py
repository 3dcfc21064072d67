"""Counts that operators read are right across workers and hosts (issue 18, item 9): two app
instances (two workers, two hosts) fetching the same feed count into one store and the
database holds the sum; with REDIS_URL the scheduler's job moves Redis's counts to the
database; and /metrics adds up the feed 200/304 answers of several worker processes.

The Redis cases run when Redis answers at TEST_REDIS_URL (as in CI) and are skipped otherwise.
"""

import inspect
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.feeds.cache.fetches import DatabaseFetchCounts, RedisFetchCounts, flush_on_exit
from scheduler.feeds.models import Feed
from scheduler.jobs import add_jobs, feed_fetches_job
from tests.conftest import _config_dict
from tests.feeds_support import new_feed
from tests.test_shared_limits import REDIS_URL, _redis_client

ROOT = Path(__file__).resolve().parent.parent


def _app(url: str, tmp_path, **settings):
    base = {**_config_dict(TestingConfig), "SQLALCHEMY_DATABASE_URI": url}
    return create_app({**base, "FEED_CACHE_FOLDER": str(tmp_path / "feeds"), **settings})


@pytest.fixture
def two_apps(scratch_database_url, tmp_path, request):
    """Two app instances on one fresh database (as two workers or hosts have); with
    ``request.param`` "redis", both count in Redis under a prefix of their own."""
    settings = {}
    if getattr(request, "param", "database") == "redis":
        client = _redis_client()
        prefix = f"test-fetches-{uuid.uuid4().hex}:"
        settings = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix}
    apps = [_app(scratch_database_url, tmp_path, **settings) for _ in range(2)]
    with apps[0].app_context():
        upgrade()
        from scheduler.partners.services import seed_partners

        seed_partners()
        db.session.commit()
    yield apps
    for each in apps:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()
    if settings:
        for name in client.scan_iter(match=settings["REDIS_KEY_PREFIX"] + "*"):
            client.delete(name)
        client.close()


def _fetch(app, path: str, times: int, agent: str) -> None:
    client = app.test_client()
    for _ in range(times):
        assert client.get(path, headers={"User-Agent": agent}).status_code == 200


def _counted(app) -> tuple[int, str]:
    with app.app_context():
        feed = db.session.scalars(sa.select(Feed)).one()
        result = (feed.fetch_count, feed.last_user_agent)
        db.session.remove()
        return result


def _five_fetches(apps, store) -> str:
    """A feed fetched three times through the first app and twice through the second,
    both counting in a *store* (class); its path."""
    assert all(isinstance(a.extensions["fetch_counts"], store) for a in apps)
    path = new_feed(apps[0], "--partner", "seoul", "--lang", "zh")
    _fetch(apps[0], path, 3, "Outlook")
    _fetch(apps[1], path, 2, "Google-Calendar-Importer")
    return path


def test_two_workers_counting_in_the_database_give_the_sum(two_apps):
    first, second = two_apps
    _five_fetches(two_apps, DatabaseFetchCounts)
    # Each worker wrote its first fetch at once and gathers the rest (FEED_FETCH_WRITE_SECONDS)...
    assert _counted(first) == (2, "Google-Calendar-Importer")
    # ...which a stopping worker writes (gunicorn's worker_exit; the interpreter's exit).
    flush_on_exit(first)
    flush_on_exit(second)
    assert _counted(first)[0] == 5
    flush_on_exit(second)  # nothing left: written once
    assert _counted(second)[0] == 5


def test_a_worker_writes_every_feeds_counts_when_its_time_comes(two_apps):
    first, second = two_apps
    path = new_feed(first, "--partner", "seoul", "--lang", "zh")
    _fetch(first, path, 4, "Outlook")
    first.config["FEED_FETCH_WRITE_SECONDS"] = 0
    _fetch(first, path, 1, "Thunderbird")
    _fetch(second, path, 1, "Apple")
    assert _counted(second) == (6, "Apple")


@pytest.mark.parametrize("two_apps", ["redis"], indirect=True)
def test_two_hosts_counting_in_redis_give_the_sum_once_the_job_ran(two_apps):
    first, second = two_apps
    path = _five_fetches(two_apps, RedisFetchCounts)
    assert _counted(first) == (0, "")  # nothing kept in a worker, nothing written yet
    assert feed_fetches_job(second) == {"feeds": 1}
    assert _counted(first) == (5, "Google-Calendar-Importer")
    assert feed_fetches_job(first) == {"feeds": 0}  # counted once
    _fetch(first, path, 1, "Thunderbird")
    feed_fetches_job(first)
    assert _counted(second) == (6, "Thunderbird")


@pytest.mark.parametrize("two_apps", ["redis"], indirect=True)
def test_counts_set_aside_by_an_interrupted_flush_are_written_by_the_next(two_apps):
    first, _second = two_apps
    path = new_feed(first, "--partner", "seoul", "--lang", "zh")
    _fetch(first, path, 2, "Outlook")
    store = first.extensions["fetch_counts"]
    store._taken()  # set aside, then the job stopped before writing
    _fetch(first, path, 1, "Apple")
    assert feed_fetches_job(first) == {"feeds": 2}  # the set-aside counts, then the new one
    assert _counted(first) == (3, "Apple")


def test_the_redis_flush_job_runs_only_with_redis(tmp_path):
    from apscheduler.schedulers.background import BackgroundScheduler

    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    for settings, expected in (({}, None), ({"REDIS_URL": REDIS_URL}, feed_fetches_job)):
        scheduler = BackgroundScheduler(timezone="UTC")
        add_jobs(scheduler, _app(url, tmp_path, **settings))
        job = scheduler.get_job("feed-fetches")
        assert (inspect.unwrap(job.func) if job else None) is expected


WORKER = """
import sys
from config import TestingConfig
from scheduler import create_app
settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "FEED_CACHE_FOLDER": sys.argv[2]})
client = app.test_client()
etag = None
for _ in range(int(sys.argv[4])):
    response = client.get(sys.argv[3])
    assert response.status_code == 200, response.status_code
    etag = response.headers["ETag"]
for _ in range(int(sys.argv[5])):
    assert client.get(sys.argv[3], headers={"If-None-Match": etag}).status_code == 304
"""


def test_metrics_add_up_the_feed_answers_of_every_worker(
    two_apps, scratch_database_url, tmp_path, monkeypatch
):
    from scheduler.ops.metrics import exposition

    path = new_feed(two_apps[0], "--partner", "seoul", "--lang", "zh")
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    for answers in (("3", "1"), ("2", "4")):  # two worker processes: (200s, 304s)
        subprocess.run(
            [sys.executable, "-c", WORKER, scratch_database_url, str(tmp_path / "feeds"), path,
             *answers],
            env=env, cwd=ROOT, check=True, timeout=120,
        )  # fmt: skip
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    with two_apps[0].app_context():
        text = exposition().decode()
    assert 'scheduler_feed_responses_total{status="200"} 5.0' in text
    assert 'scheduler_feed_responses_total{status="304"} 5.0' in text
