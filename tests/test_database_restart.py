"""A PostgreSQL of the test's own, stopped and started again under the app (issue 18): while it
is down, pages and feeds answer 503 with Retry-After in the reader's language, never a 500;
once it is back, the same workers serve again by themselves; and a deliverer whose database
restarts in the middle of a batch strands nothing and sends nothing twice. Real servers:
PostgreSQL (tests/own_postgres.py), SMTP (aiosmtpd)."""

import os
import subprocess
import sys
from collections import Counter

import pytest

from scheduler.extensions import db
from tests.feeds_support import new_feed
from tests.outage_support import app_on, outbox_rows, sign_in
from tests.smtp import HANG_AT
from tests.test_error_pages import UNAVAILABLE
from tests.test_outbox_delivery import ROOT, _fill

KOREAN = {"Accept-Language": "ko-KR"}


def _unavailable(response) -> bool:
    return (
        response.status_code == 503
        and response.headers.get("Retry-After") == "30"
        and UNAVAILABLE["ko"] in response.get_data(as_text=True)
    )


@pytest.fixture
def restart_app(own_postgres, tmp_path):
    app = app_on(own_postgres.url, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_pages_and_feeds_answer_503_while_the_server_is_down_and_serve_again_after(
    own_postgres,
    restart_app,
):
    client = sign_in(restart_app)
    feed = new_feed(restart_app, "--partner", "seoul")
    assert client.get("/partners/", headers=KOREAN).status_code == 200
    assert client.get(feed).status_code == 200

    own_postgres.stop()  # every pooled connection is ended
    for path in ("/", "/partners/", "/meetings/"):
        assert _unavailable(client.get(path, headers=KOREAN)), path
    assert _unavailable(client.get(feed, headers=KOREAN))
    assert _unavailable(client.post("/meetings/new", data={"title_zh": "会议"}, headers=KOREAN))

    own_postgres.start()
    # The pool opens new connections by itself; the signed-in session is still valid.
    answers = [client.get("/partners/", headers=KOREAN).status_code for _ in range(3)]
    assert answers[1:] == [200, 200] and answers[0] in (200, 503), answers
    assert client.get(feed).status_code == 200


def test_a_deliverer_whose_database_restarts_mid_batch_strands_nothing(
    own_postgres,
    restart_app,
    hanging,
):
    controller, handler = hanging
    settings = {"MAIL_TRANSPORT": "smtp", "SMTP_HOST": controller.hostname,
                "SMTP_PORT": controller.port, "SMTP_TIMEOUT": 60,
                "OUTBOX_CLAIM_BATCH": 5, "OUTBOX_LEASE_SECONDS": 30}  # fmt: skip
    restart_app.config.update(settings)
    _fill(restart_app, 12)
    env = {**os.environ, "DATABASE_URL": own_postgres.url, "APP_ENV": "development",
           "SECRET_KEY": "a-deliverer-shares-the-web-key-of-32-bytes-or-more",
           **{key: str(value) for key, value in settings.items()}}  # fmt: skip
    command = [sys.executable, "-m", "flask", "--app", "scheduler", "outbox", "deliver", "--json"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    if not handler.hanging.wait(60):
        process.kill()
        pytest.fail("the deliverer never reached the hanging message: " + process.communicate()[1])

    # The database restarts while the fourth message is being sent; then the server answers
    # 451 for it, so it was never delivered.
    own_postgres.stop()
    own_postgres.start()
    with restart_app.app_context():
        db.engine.dispose()  # this test's own connections died with the server too
    handler.release.set()
    _out, err = process.communicate(timeout=60)
    # One line says why it stopped (the log holds the details).
    assert process.returncode == 1 and err.endswith(
        "Error: stopped: the database failed (OperationalError: (psycopg.errors.AdminShutdown)"
        " terminating connection due to administrator command);"
        " the messages not sent wait for the next run\n"
    ), err

    # Its claims went back (the deliverer's next connection reached the restarted server):
    # nothing waits in "sending" for a lease to run out.
    rows = outbox_rows(restart_app)
    assert Counter(r.status for r in rows)["sending"] == 0, [(r.id, r.status) for r in rows]
    assert Counter(r.status for r in rows)["sent"] == HANG_AT - 1

    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = outbox_rows(restart_app)
    assert [r.status for r in rows] == ["sent"] * 12
    ids = Counter(m.message["Message-ID"] for m in handler.snapshot())
    assert len(ids) == 12 and set(ids.values()) == {1}  # each arrived once
