"""A deliverer that dies mid-batch strands nothing: killed with SIGKILL, it leaves at most the
message it was sending in "sending", and only until its short lease expires; interrupted
(any exception), it gives its unsent claims back at once with the reason. Real processes
(`flask outbox deliver`), a real SMTP server that hangs, a scratch database."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due
from tests.outage_support import outbox_rows
from tests.smtp import HANG_AT
from tests.test_outbox_delivery import ROOT, _app, _fill

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
LEASE_SECONDS = 30


@pytest.fixture
def deliverer(scratch_database_url, hanging):
    """An app on a scratch database with 12 messages queued, and a `flask outbox deliver`
    process starter using the same database and the hanging server."""
    controller, _handler = hanging
    settings = {"MAIL_TRANSPORT": "smtp", "SMTP_HOST": controller.hostname,
                "SMTP_PORT": controller.port, "SMTP_TIMEOUT": 60,
                "OUTBOX_CLAIM_BATCH": 5, "OUTBOX_LEASE_SECONDS": LEASE_SECONDS}  # fmt: skip
    app = _app(scratch_database_url, **settings)
    _fill(app, 12)
    env = {**os.environ, "DATABASE_URL": scratch_database_url, "APP_ENV": "development",
           "SECRET_KEY": "a-deliverer-shares-the-web-key-of-32-bytes-or-more",
           **{key: str(value) for key, value in settings.items()}}  # fmt: skip
    command = [sys.executable, "-m", "flask", "--app", "scheduler", "outbox", "deliver", "--json"]

    def start():
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip

    yield app, start
    with app.app_context():
        db.engine.dispose()


def _deliver(app, now):
    with app.app_context():
        try:
            return deliver_due(now=now)
        finally:
            db.session.remove()


def _wait_until_hanging(process, handler):
    if not handler.hanging.wait(60):
        process.kill()
        pytest.fail("the deliverer never reached the hanging message: " + process.communicate()[1])


def test_a_killed_deliverer_strands_only_its_message_in_flight_until_the_lease(deliverer, hanging):
    app, start = deliverer
    _controller, handler = hanging
    process = start()
    _wait_until_hanging(process, handler)
    process.kill()  # SIGKILL: no clean-up of any kind runs
    process.wait()
    handler.release.set()

    rows = outbox_rows(app)
    assert Counter(r.status for r in rows) == {"sent": 3, "sending": 1, "pending": 8}
    in_flight = rows[HANG_AT - 1]
    assert (in_flight.status, in_flight.attempts) == ("sending", 0)
    # Its batch-mate stays claimed (so nobody sends it twice) but is shown as waiting.
    assert (rows[4].status, rows[4].claimed_by) == ("pending", in_flight.claimed_by)

    # Another deliverer at once: sends everything else, leaves the two claims alone.
    now = now_utc()
    assert _deliver(app, now) == {"sent": 7, "retry": 0, "failed": 0}
    assert [r.status for r in outbox_rows(app)[HANG_AT - 1 : 5]] == ["sending", "pending"]

    # Once the lease has run out, the two are sent, once.
    later = now + timedelta(seconds=LEASE_SECONDS + 1)
    assert _deliver(app, later) == {"sent": 2, "retry": 0, "failed": 0}
    rows = outbox_rows(app)
    assert [(r.status, r.attempts, r.claimed_by) for r in rows] == [("sent", 1, None)] * 12
    ids = Counter(m.message["Message-ID"] for m in handler.snapshot())
    assert len(ids) == 12 and set(ids.values()) == {1}
    assert {m.message_id for m in rows} == set(ids)


def test_an_interrupted_deliverer_gives_its_claims_back_with_the_reason(deliverer, hanging):
    app, start = deliverer
    _controller, handler = hanging
    process = start()
    _wait_until_hanging(process, handler)
    process.send_signal(signal.SIGINT)  # KeyboardInterrupt inside the send
    _out, err = process.communicate(timeout=60)
    handler.release.set()
    assert process.returncode != 0 and "Traceback" not in err

    rows = outbox_rows(app)
    assert Counter(r.status for r in rows) == {"sent": 3, "pending": 9}
    given_back = rows[HANG_AT - 1 : 5]
    assert [(r.attempts, r.claimed_by, r.error_code) for r in given_back] == [
        (0, None, "interrupted")
    ] * 2
    assert {r.last_error for r in given_back} == {"the deliverer stopped: KeyboardInterrupt"}
    assert given_back[0].reason == (
        "Delivery was interrupted before this message was sent: "
        "the deliverer stopped: KeyboardInterrupt"
    )
    assert all(r.error_code == "" for r in rows[5:])  # never claimed, nothing to say

    # No lease to wait for: the next deliverer sends the nine at once, each once.
    assert _deliver(app, now_utc()) == {"sent": 9, "retry": 0, "failed": 0}
    ids = Counter(m.message["Message-ID"] for m in handler.snapshot())
    assert len(ids) == 12 and set(ids.values()) == {1}
