"""Link secrets never reach a log: the request log of a real server, the app's error log with
its traceback, module loggers, gunicorn's loggers; and every secret-bearing route is covered."""

import logging
import re
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.invites.rsvp.services import rsvp_token
from scheduler.meetings.models import Participant
from scheduler.redaction import SECRET_PATHS, redact
from scheduler.security import PUBLIC_ATTR, public

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi1vZi1mb3J0eS1laWdodC1jaA"


@pytest.fixture
def logs(caplog, monkeypatch):
    """Everything logged at INFO and above (Alembic's fileConfig, run by the app fixture,
    disables the loggers that existed before it: they are enabled again here)."""
    for name in ("werkzeug", "scheduler", "scheduler.invites.dispatch", "gunicorn.access"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.INFO)
    return caplog


def _fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as answer:  # noqa: S310 - a loopback test server
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_request_log_of_rsvp_links_shows_no_token(app, db, invited, logs):
    with app.test_request_context():
        token = rsvp_token(db.session.get(Participant, invited["kim"]))
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert _fetch(f"{base}/rsvp/{token}?answer=accepted") == 200
        assert _fetch(f"{base}/rsvp/{token[:-2]}xx") == 400
    finally:
        server.shutdown()
        thread.join()
    colourless = (re.sub(r"\x1b\[[0-9;]*m", "", r.getMessage()) for r in logs.records)
    lines = [line for line, r in zip(colourless, logs.records, strict=True) if r.name == "werkzeug"]
    assert len(lines) == 2
    assert '"GET /rsvp/[redacted]?answer=accepted HTTP/1.1" 200 -' in lines[0]
    assert '"GET /rsvp/[redacted] HTTP/1.1" 400 -' in lines[1]
    assert token not in logs.text and token[:-2] not in logs.text


@pytest.fixture
def failing_app(database_url):
    """An app like production's (errors are logged, not raised) with one route that fails
    under a secret-bearing path, its exception naming the token."""
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)
    failing = create_app(config)

    @failing.route("/rsvp/<token>/fail")
    @public
    def fail(token):
        raise RuntimeError(f"could not read the answer link /rsvp/{token}")

    yield failing
    with failing.app_context():
        db.engine.dispose()


def test_error_log_and_its_traceback_show_no_token(failing_app, logs):
    response = failing_app.test_client().get(f"/rsvp/{TOKEN}/fail")
    assert response.status_code == 500
    [record] = [r for r in logs.records if r.name == "scheduler" and r.levelno == logging.ERROR]
    assert record.getMessage() == "Exception on /rsvp/[redacted] [GET]"
    assert "RuntimeError: could not read the answer link /rsvp/[redacted]" in logs.text
    assert TOKEN not in logs.text


def test_module_and_gunicorn_loggers_show_no_token(app, logs):
    logging.getLogger("scheduler.invites.dispatch").warning(
        "queued %s", f"https://office.example.cn/rsvp/{TOKEN}?answer=declined"
    )
    access = '%(h)s "%(r)s" %(s)s "%(f)s"'  # gunicorn's access log: request and Referer
    atoms = {
        "h": "127.0.0.1",
        "r": f"GET /calendars/{TOKEN}.ics HTTP/1.1",
        "s": "200",
        "f": f"https://office.example.cn/rsvp/{TOKEN}",
    }
    logging.getLogger("gunicorn.access").info(access, atoms)
    assert [r.getMessage() for r in logs.records] == [
        "queued https://office.example.cn/rsvp/[redacted]?answer=declined",
        '127.0.0.1 "GET /calendars/[redacted].ics HTTP/1.1" 200 '
        '"https://office.example.cn/rsvp/[redacted]"',
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/calendars/{TOKEN}.ics", "/calendars/[redacted].ics"),
        (f"/calendars/{TOKEN}", "/calendars/[redacted].ics"),
        (f"/rsvp/{TOKEN}.x.y", "/rsvp/[redacted]"),
        (f"/login?next=%2Frsvp%2F{TOKEN}&x=1", "/login?next=%2Frsvp%2F[redacted]&x=1"),
        (f"'/RSVP/{TOKEN}'", "'/RSVP/[redacted]'"),
        ("/calendar/2026/12 /rsvp /feeds/3", "/calendar/2026/12 /rsvp /feeds/3"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_every_public_route_with_a_path_argument_is_redacted(app):
    secret_bearing = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/"):
            continue  # a bearer token in a header opens these; their paths hold only ids
        if rule.arguments and getattr(view, PUBLIC_ATTR, False):
            secret_bearing.add(rule.rule.split("/")[1])
    assert secret_bearing == set(SECRET_PATHS)
