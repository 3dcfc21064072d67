"""A deliverer that dies mid-batch strands nothing: killed with SIGKILL, it leaves at most the
message it was sending in "sending", and only until its short lease expires; interrupted
(any exception), it gives its unsent claims back at once with the reason. Real processes
(`flask outbox deliver`), a real SMTP server that hangs, a scratch database."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.invites.outbox.models import OutboxMessage
from tests.smtp import HOST, RecordingHandler, _free_port
from tests.test_outbox_delivery import ROOT, _app, _fill

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
LEASE_SECONDS = 30
HANG_AT = 4  # the fourth message of the first batch of five


class HangingHandler(RecordingHandler):
    """Accepts every message but the ``hang_at``-th, whose DATA hangs until ``release``;
    then it answers 451, so that attempt never counts as delivered."""

    def __init__(self, hang_at: int):
        super().__init__()
        self.hang_at, self.seen = hang_at, 0
        self.hanging, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.hang_at:
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def hanging():
    handler = HangingHandler(HANG_AT)
    controller = Controller(handler, hostname=HOST, port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        handler.release.set()
        controller.stop()


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


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


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

    rows = _rows(app)
    assert Counter(r.status for r in rows) == {"sent": 3, "sending": 1, "pending": 8}
    in_flight = rows[HANG_AT - 1]
    assert (in_flight.status, in_flight.attempts) == ("sending", 0)
    # Its batch-mate stays claimed (so nobody sends it twice) but is shown as waiting.
    assert (rows[4].status, rows[4].claimed_by) == ("pending", in_flight.claimed_by)

    # Another deliverer at once: sends everything else, leaves the two claims alone.
    now = now_utc()
    assert _deliver(app, now) == {"sent": 7, "retry": 0, "failed": 0}
    assert [r.status for r in _rows(app)[HANG_AT - 1 : 5]] == ["sending", "pending"]

    # Once the lease has run out, the two are sent, once.
    later = now + timedelta(seconds=LEASE_SECONDS + 1)
    assert _deliver(app, later) == {"sent": 2, "retry": 0, "failed": 0}
    rows = _rows(app)
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

    rows = _rows(app)
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
