"""Gunicorn settings for the web service (`deploy/systemd/scheduler-web.service`):

    gunicorn -c gunicorn.conf.py 'scheduler:create_app()'

Every value can be changed through the environment (the service's EnvironmentFile), so this
file stays as it is in every installation. The periodic jobs never run here: they are the
scheduler process (`flask --app scheduler scheduler run`, `scheduler-jobs.service`).
"""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1))
worker_class = "sync"  # feeds go out with sendfile(); pages are short CPU work
# Each worker builds its own app: database pools and the feed memory are never shared by fork.
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a worker silent this long is killed
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))  # finish on SIGTERM
keepalive = 5  # behind a reverse proxy that keeps connections open
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeats
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))  # 0: workers live on
max_requests_jitter = max_requests // 10
# gunicorn 25+ opens a control socket in $HOME or $XDG_RUNTIME_DIR; systemd manages the service
# (older versions ignore the unknown setting).
control_socket_disable = True

# Both logs to stderr, for journald. Feed and answer links are secrets: every worker's app puts
# the redacting filter of `scheduler.redaction` on gunicorn's access and error loggers
# (`post_worker_init` below makes sure of it), so a request line never shows a token.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    import gc

    from scheduler.redaction import install_log_redaction

    install_log_redaction()
    # The app just built lives as long as the worker: moved out of the collector's sight, a
    # full collection no longer walks it (about 4 ms of every few dozen pages otherwise).
    gc.collect()
    gc.freeze()


def worker_exit(server, worker):
    """A worker that stops (SIGTERM, max_requests, a restart) writes the feed fetches it
    counted but had not written yet (`scheduler.feeds.cache.fetches`)."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        from scheduler.feeds.cache.fetches import flush_on_exit

        flush_on_exit(app)


# /metrics adds up every worker's counters (prometheus_client's multiprocess mode): a folder
# of this service's own, set here unless the environment names one, before any worker starts.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(
        Path(tempfile.gettempdir())
        / f"cnkr-scheduler-metrics-{os.getuid()}-{bind.rsplit(':', 1)[-1]}"
    ),
)


def _metrics_folder() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server):
    """Multiprocess metrics start from an empty folder (values of an earlier run would be
    added to this one's)."""
    folder = _metrics_folder()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, mode=0o700)


def child_exit(server, worker):
    """A worker that ended leaves its counters to the sum; its live gauges go."""
    if _metrics_folder() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
