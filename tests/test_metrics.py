"""/metrics: Prometheus text behind a bearer token, with the families operators graph."""

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from prometheus_client.parser import text_string_to_metric_families

from scheduler.jobs import add_jobs, counted
from tests.feeds_support import new_feed
from tests.outage_support import database_down, queue_message

TOKEN = "s3cret-metrics-token-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_app(outage_app):
    outage_app.config["METRICS_TOKEN"] = TOKEN
    return outage_app


def _scrape(app) -> dict:
    response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}


def _value(families, name, sample, **labels) -> float:
    found = [
        s.value
        for s in families[name].samples
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    return sum(found)


def test_404_until_a_token_is_set(outage_app):
    outage_app.config["METRICS_TOKEN"] = ""
    assert outage_app.test_client().get("/metrics", headers=BEARER).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
def test_the_token_is_required(metrics_app, headers):
    response = metrics_app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "scheduler_" not in response.get_data(as_text=True)


def _run(app, job_id: str) -> None:
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    scheduler.get_job(job_id).func(app)


def test_the_expected_families(metrics_app):
    client = metrics_app.test_client()
    feed = new_feed(metrics_app, "--partner", "seoul")
    before = _scrape(metrics_app)
    full = client.get(feed)
    assert client.get(feed, headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
    assert client.get("/login").status_code == 200
    queue_message(metrics_app)
    queue_message(metrics_app)
    families = _scrape(metrics_app)
    assert _value(families, "scheduler_outbox_messages", "scheduler_outbox_messages",
                  state="pending") == 2  # fmt: skip
    assert _value(families, "scheduler_outbox_messages", "scheduler_outbox_messages",
                  state="failed") == 0  # fmt: skip
    _run(metrics_app, "deliver-outbox")
    _run(metrics_app, "enqueue-reminders")
    families = _scrape(metrics_app)

    assert families["scheduler_request_duration_seconds"].type == "histogram"
    count = "scheduler_request_duration_seconds_count"
    assert _value(families, "scheduler_request_duration_seconds", count,
                  endpoint="auth.login", method="GET") >= 1  # fmt: skip
    for status in ("200", "304"):
        name = "scheduler_feed_responses"
        assert families[name].type == "counter"
        grown = _value(families, name, f"{name}_total", status=status) - _value(
            before, name, f"{name}_total", status=status
        )
        assert grown == 1
    assert families["scheduler_outbox_messages"].type == "gauge"
    assert _value(families, "scheduler_outbox_messages", "scheduler_outbox_messages",
                  state="sent") == 2  # fmt: skip
    deliveries = "scheduler_outbox_deliveries"
    assert families[deliveries].type == "counter"
    assert _value(families, deliveries, f"{deliveries}_total", outcome="sent") == 2
    runs = "scheduler_job_runs"
    assert _value(families, runs, f"{runs}_total", job="deliver-outbox", outcome="ok") == 1
    assert _value(families, runs, f"{runs}_total", job="enqueue-reminders", outcome="ok") == 1
    assert _value(families, "scheduler_database_up", "scheduler_database_up") == 1


def _broken_job(app):
    raise ZeroDivisionError("a bug in a job")


def test_a_failing_job_is_counted_as_an_error(metrics_app):
    with pytest.raises(ZeroDivisionError):
        counted(_broken_job, "probe-job")(metrics_app)
    counted(lambda app: {"done": 3, "skipped": 0}, "probe-job")(metrics_app)
    families = _scrape(metrics_app)
    runs, items = "scheduler_job_runs", "scheduler_job_items"
    assert _value(families, runs, f"{runs}_total", job="probe-job", outcome="error") == 1
    assert _value(families, runs, f"{runs}_total", job="probe-job", outcome="ok") == 1
    assert _value(families, items, f"{items}_total", job="probe-job", item="done") == 3
    assert _value(families, items, f"{items}_total", job="probe-job", item="skipped") == 0


def test_scrapes_while_the_database_is_down(metrics_app, tmp_path):
    with database_down(metrics_app, tmp_path):
        families = _scrape(metrics_app)
    assert _value(families, "scheduler_database_up", "scheduler_database_up") == 0
    assert "scheduler_request_duration_seconds" in families
    assert "scheduler_outbox_messages" not in families
