"""Periodic jobs and the scheduler process (`flask --app scheduler scheduler run`).

APScheduler never starts inside create_app(): production runs this as its own process; the
development server may embed one (SCHEDULER_EMBEDDED) in its single process.
"""

import contextlib
import logging
import signal
from functools import wraps

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from scheduler.api.webhooks.delivery import deliver_due as deliver_webhooks
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds.cache.fetches import fetch_counts
from scheduler.history.follow_ups.reminders import enqueue_due_follow_up_reminders
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.invites.outbox.retention import purge_expired
from scheduler.invites.reminders.services import enqueue_due_reminders
from scheduler.invites.replies.mailbox import MailboxError, fetch_once
from scheduler.limits.store import limit_store
from scheduler.ops import heartbeat
from scheduler.polls.reminders import send_due as send_due_poll_notices
from scheduler.redaction import install_log_redaction

log = logging.getLogger("scheduler.jobs")
REMINDER_INTERVAL_SECONDS = 60  # reminders are due to the minute
LIMIT_PURGE_INTERVAL_SECONDS = 3600  # expired rate-limit rows only cost space
RETENTION_INTERVAL_SECONDS = 3600  # mail bodies are kept for months: hourly is exact enough
scheduler_cli = AppGroup("scheduler", help="The process that runs the periodic jobs.")


def _delivery_round(app: Flask, deliver) -> dict:
    """``deliver()`` inside its own app context; it commits per item itself."""
    with app.app_context():
        try:
            return deliver()
        finally:
            db.session.remove()


def deliver_outbox_job(app: Flask) -> dict:
    """One delivery round inside its own app context (one transaction per message)."""
    counts = _delivery_round(app, deliver_due)
    if any(counts.values()):
        log.info("outbox: %(sent)d sent, %(retry)d to retry, %(failed)d failed", counts)
    return counts


def deliver_webhooks_job(app: Flask) -> dict:
    """One webhook delivery round inside its own app context (one transaction per row)."""
    counts = _delivery_round(app, deliver_webhooks)
    if any(counts.values()):
        log.info("webhooks: %(delivered)d delivered, %(retry)d to retry, %(failed)d failed", counts)
    return counts


def enqueue_reminders_job(app: Flask) -> dict:
    """Queue the reminders that are due, in one transaction with their sent marks."""
    with app.app_context():
        try:
            counts = enqueue_due_reminders()
            counts["follow_ups"] = enqueue_due_follow_up_reminders()["sent"]
            # A job is its own boundary: the notices commit with their sent marks, or none do.
            db.session.commit()
        finally:
            db.session.remove()
    if any(counts.values()):
        log.info(
            "reminders: %(sent)d queued, %(skipped)d skipped, %(follow_ups)d follow-ups", counts
        )
    return counts


def poll_notices_job(app: Flask) -> dict:
    """Remind the people asked who have not answered a poll closing soon, and tell staff of
    polls past their closing date; committed with the sent marks, so nothing goes twice."""
    counts = _in_one_transaction(app, send_due_poll_notices)
    if any(counts.values()):
        log.info("polls: %(reminders)d reminded, %(closing_notices)d closing notices", counts)
    return counts


def _in_one_transaction(app: Flask, work):
    """``work()`` inside its own app context, committed as a whole: a job is its own boundary
    (everything it did, or nothing)."""
    with app.app_context():
        try:
            result = work()
            db.session.commit()
        finally:
            db.session.remove()
    return result


def purge_limits_job(app: Flask) -> int:
    """Delete the rate-limit counts no window counts any more (database store; Redis keys
    expire by themselves), so guessing leaves no rows behind for long."""
    purged = _in_one_transaction(app, lambda: limit_store().purge())
    if purged:
        log.info("limits: %d expired counts purged", purged)
    return purged


def feed_fetches_job(app: Flask) -> dict:
    """Add the feed fetches counted in Redis by every host to the database (REDIS_URL)."""
    return {"feeds": _in_one_transaction(app, lambda: fetch_counts().flush())}


def purge_mail_job(app: Flask) -> dict:
    """Purge mail bodies and files past MAIL_RETENTION_DAYS."""
    result = _in_one_transaction(app, purge_expired)
    counts = {"messages": len(result.message_ids), "files": len(result.files)}
    if any(counts.values()):
        log.info("retention: %(messages)d mail bodies and %(files)d files purged", counts)
    return counts


def fetch_replies_job(app: Flask) -> dict:
    """Read the calendar replies in the office mailbox (one transaction per message)."""
    with app.app_context():
        try:
            counts = fetch_once().as_dict()
        except MailboxError as error:
            log.warning("replies: %s", error)
            return {}
        finally:
            db.session.remove()
    if counts["processed"] or counts["duplicates"]:
        log.info("replies: %(processed)d processed, %(duplicates)d seen before", counts)
    return counts


def heartbeat_job(app: Flask) -> None:
    """Say this process is alive (read by /healthz and /metrics on every host)."""
    _in_one_transaction(app, heartbeat.beat)


def counted(job, job_id: str):
    """*job*, its runs counted by outcome (ok, error) and what it returns (a dict of counts,
    e.g. mail sent, retried, failed) added up in `job_counts` for /metrics."""

    @wraps(job)
    def run(app: Flask):
        try:
            result = job(app)
        except Exception:
            _count(app, job_id, {"error": 1})
            raise
        counts = result if isinstance(result, dict) else {}
        _count(app, job_id, {"ok": 1, **counts})
        return result

    return run


def _count(app: Flask, job_id: str, counts: dict) -> None:
    try:
        _in_one_transaction(app, lambda: heartbeat.add_counts(job_id, counts))
    except Exception:  # counting must not hide the job's own result or error
        log.warning("could not count a run of %s", job_id, exc_info=True)


def add_jobs(scheduler, app: Flask) -> None:
    """Register the periodic jobs; the first run is immediate (catch up after downtime)."""
    jobs = (
        (heartbeat_job, "heartbeat", app.config["HEARTBEAT_INTERVAL_SECONDS"]),
        (deliver_outbox_job, "deliver-outbox", app.config["OUTBOX_INTERVAL_SECONDS"]),
        (deliver_webhooks_job, "deliver-webhooks", app.config["WEBHOOKS_INTERVAL_SECONDS"]),
        (enqueue_reminders_job, "enqueue-reminders", REMINDER_INTERVAL_SECONDS),
        (poll_notices_job, "poll-notices", REMINDER_INTERVAL_SECONDS),
        (purge_limits_job, "purge-limits", LIMIT_PURGE_INTERVAL_SECONDS),
        (purge_mail_job, "purge-mail", RETENTION_INTERVAL_SECONDS),
    )
    if app.config["REDIS_URL"]:  # the web workers count feed fetches in Redis
        every = app.config["FEED_FETCH_WRITE_SECONDS"]
        jobs += ((feed_fetches_job, "feed-fetches", every),)
    if app.config["IMAP_HOST"]:  # calendar replies come to the office mailbox
        jobs += ((fetch_replies_job, "fetch-replies", app.config["REPLY_INTERVAL_SECONDS"]),)
    for job, job_id, seconds in jobs:
        scheduler.add_job(
            job if job is heartbeat_job else counted(job, job_id),
            "interval",
            seconds=seconds,
            args=[app],
            id=job_id,
            max_instances=1,
            coalesce=True,
            next_run_time=now_utc(),
        )


def start_embedded(app: Flask) -> BackgroundScheduler:
    """A background scheduler for the single development-server process."""
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    scheduler.start()
    return scheduler


@scheduler_cli.command("run")
def run_command():
    """Run the periodic jobs until SIGTERM or Ctrl-C."""
    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    install_log_redaction(app)  # the handler basicConfig just added
    click.echo("scheduler running; stop with SIGTERM or Ctrl-C")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    with contextlib.suppress(Exception):  # a stop must not fail because the database is gone
        _in_one_transaction(app, heartbeat.forget)
    click.echo("scheduler stopped")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host, port):
    """The development server, with one embedded scheduler when SCHEDULER_EMBEDDED is on.

    No reloader: it would start a second process and so a second scheduler.
    """
    app = current_app._get_current_object()
    scheduler = start_embedded(app) if app.config["SCHEDULER_EMBEDDED"] else None
    from werkzeug.serving import run_simple

    click.echo(f"serving http://{host}:{port}")
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
