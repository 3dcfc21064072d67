"""`outbox_throughput`: 500 queued invitations delivered by `deliver_due` to a local aiosmtpd
server started here. Target: at least 50 messages per second.

`deliver_due` sends in batches of 50 (one SMTP connection, one commit per message);
median_ms/p95_ms are per batch of 50, messages_per_second is 500 / the whole run (the
median over rounds); a batch of 50 within target_ms (1,000 ms) is the same 50 per second.
"""

import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

MESSAGES = 500
BATCH = 50
HOST = "127.0.0.1"


class CountingHandler:
    """Accepts every message and counts it (aiosmtpd calls handle_DATA)."""

    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
        return "250 OK"


def _start_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    handler = CountingHandler()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    return controller, handler


def _app(url: str, port: int):
    from flask_migrate import upgrade

    from scheduler import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "MAIL_TRANSPORT": "smtp",
                      "SMTP_HOST": HOST, "SMTP_PORT": port, "SMTP_SECURITY": "none"})  # fmt: skip
    with app.app_context():
        upgrade()
    return app


def _fill(app) -> None:
    """500 invitation-sized messages (text, HTML and a calendar part), committed."""
    from scheduler.extensions import db
    from scheduler.invites.mail import build_message
    from scheduler.invites.outbox.delivery import enqueue

    calendar = ("BEGIN:VCALENDAR\r\n" + "DESCRIPTION:한중 화상회의 中韩视频连线\r\n" * 60
                + "END:VCALENDAR\r\n").encode()  # fmt: skip
    with app.app_context():
        for n in range(MESSAGES):
            message = build_message(
                sender=("office@example.cn", "外事办公室"), to=(f"p{n}@example.kr", "김민수"),
                subject=f"초대: 한중 화상회의 {n}", text="본문 / 正文\n" * 40,
                html="<p>본문 / 正文</p>\n" * 40, calendar=calendar, method="REQUEST",
            )  # fmt: skip
            enqueue(message, kind="invite")
        db.session.commit()
        db.session.remove()


def _deliver_all(app) -> list[float]:
    """Deliver until the queue is empty; the duration of each batch in milliseconds."""
    from scheduler.extensions import db
    from scheduler.invites.outbox.delivery import deliver_due

    batches = []
    with app.app_context():
        while True:
            start = time.perf_counter()
            counts = deliver_due(limit=BATCH)
            if not any(counts.values()):
                break
            batches.append((time.perf_counter() - start) * 1000)
        db.session.remove()
    return batches


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(quick: bool) -> dict:
    controller, handler = _start_server()
    rates, batches = [], []
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
            app = _app(url, controller.port)
            for _round in range(1 if quick else 3):
                _fill(app)
                start = time.perf_counter()
                batches += _deliver_all(app)
                rates.append(MESSAGES / (time.perf_counter() - start))
            with app.app_context():
                from scheduler.extensions import db

                db.engine.dispose()
    finally:
        controller.stop()
    return {
        "name": "outbox_throughput", "n": MESSAGES, "delivered": handler.count,
        "messages_per_second": round(statistics.median(rates), 1),
        "median_ms": round(statistics.median(batches), 2),
        "p95_ms": round(_percentile(batches, 0.95), 2),
        "median_per": f"batch of {BATCH} messages",
        "target_ms": 1000, "target_per_second": 50,
    }  # fmt: skip
