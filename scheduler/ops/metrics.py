"""/metrics in the Prometheus text format (prometheus_client).

Two sources. This process's own measurements: request latency by endpoint and feed answers
(200/304); with several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty folder of the
web service's own, wiped at its start) and every worker's values are added up at each scrape.
And the database, read at scrape time: outbox messages by state, and what the scheduler
process's jobs did (runs by outcome, deliveries by outcome, reminders), which it counts in
`job_counts` (`scheduler.ops.heartbeat`) because it is a process of its own, on any host.
"""

import os
import time

import sqlalchemy as sa
from flask import Flask, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from scheduler.db import now_utc
from scheduler.invites.outbox.models import OUTBOX_STATUSES, OutboxMessage
from scheduler.ops import reading_connection
from scheduler.ops.heartbeat import newest_beat
from scheduler.ops.models import JobCount

FEED_ENDPOINT = "feeds.feed"
DELIVERY_JOB = "deliver-outbox"
RUN_OUTCOMES = ("ok", "error")

REQUEST_SECONDS = Histogram(
    "scheduler_request_duration_seconds",
    "Time to answer a request, by endpoint (the route's name, never its URL) and method.",
    ["endpoint", "method"],
)
FEED_RESPONSES = Counter(
    "scheduler_feed_responses",
    "Calendar feed answers by status (200 full, 304 unchanged).",
    ["status"],
)


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _measured(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        if endpoint == FEED_ENDPOINT and response.status_code in (200, 304):
            FEED_RESPONSES.labels(str(response.status_code)).inc()
    return response


def register_metrics(app: Flask) -> None:
    """Time every request: registered before the other hooks so a refusal is timed too."""
    app.before_request(_started)
    app.after_request(_measured)


class DatabaseCollector:
    """The figures kept in the database, read at each scrape."""

    def collect(self):
        up = GaugeMetricFamily("scheduler_database_up", "1 when the database answered the scrape.")
        try:
            with reading_connection() as connection:
                families = list(_database_families(connection))
        except sa.exc.SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def _database_families(connection: sa.Connection):
    states = GaugeMetricFamily(
        "scheduler_outbox_messages", "Outbox messages by state.", labels=["state"]
    )
    column = OutboxMessage.__table__.c.status
    found = dict(connection.execute(sa.select(column, sa.func.count()).group_by(column)).all())
    for state in OUTBOX_STATUSES:
        states.add_metric([state], found.get(state, 0))
    yield states
    runs = CounterMetricFamily(
        "scheduler_job_runs", "Runs of the scheduler's jobs by outcome.", labels=["job", "outcome"]
    )
    deliveries = CounterMetricFamily(
        "scheduler_outbox_deliveries", "Delivery attempts by outcome.", labels=["outcome"]
    )
    items = CounterMetricFamily(
        "scheduler_job_items",
        "What the other jobs did (e.g. reminders queued).",
        labels=["job", "item"],
    )
    for job, outcome, count in connection.execute(
        sa.select(JobCount.job, JobCount.outcome, JobCount.count).order_by(
            JobCount.job, JobCount.outcome
        )
    ):
        if outcome in RUN_OUTCOMES:
            runs.add_metric([job, outcome], count)
        elif job == DELIVERY_JOB:
            deliveries.add_metric([outcome], count)
        else:
            items.add_metric([job, outcome], count)
    yield from (runs, deliveries, items)
    beat = newest_beat(connection)
    age = GaugeMetricFamily(
        "scheduler_heartbeat_age_seconds", "Seconds since a scheduler process last beat."
    )
    if beat is not None:
        age.add_metric([], (now_utc() - beat).total_seconds())
        yield age


def _process_registry():
    """This process's metrics, or every worker's in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def exposition() -> bytes:
    """The text of one scrape."""
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(_process_registry()) + generate_latest(database)
