"""Delivery with real commits: two deliverers at once, the CLI, and the scheduler process."""

import os
import signal
import subprocess
import sys
import threading
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due, enqueue

ROOT = Path(__file__).resolve().parent.parent


def _app(url, **settings):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url, **settings})
    with app.app_context():
        upgrade()
    return app


def _fill(app, count):
    with app.app_context():
        for n in range(count):
            message = EmailMessage()
            message["From"] = "office@example.cn"
            message["To"] = f"partner{n}@example.kr"
            message["Subject"] = f"초대 {n}"
            message["Message-ID"] = make_msgid(domain="example.cn")
            message.set_content("…")
            enqueue(message)
        db.session.commit()


def test_two_deliverers_never_send_a_message_twice(scratch_database_url, smtp_server):
    app = _app(scratch_database_url, MAIL_TRANSPORT="smtp", SMTP_HOST=smtp_server.host,
               SMTP_PORT=smtp_server.port)  # fmt: skip
    _fill(app, 60)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def deliver():
        barrier.wait()
        with app.app_context():
            try:
                while any((counts := deliver_due(limit=7)).values()):
                    results.append(counts)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        db.engine.dispose()
    assert errors == []
    ids = [m.message["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert sum(c["sent"] for c in results) == 60


def test_outbox_cli_delivers_and_reports(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'cli.db'}", MAIL_FOLDER=str(tmp_path / "mail"))
    _fill(app, 3)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "status", "--json"]).output.strip() == (
        '{"pending": 3, "sending": 0, "sent": 0, "failed": 0}'
    )
    result = runner.invoke(args=["outbox", "deliver", "--json"])
    assert result.exit_code == 0 and result.output.strip() == '{"sent": 3, "retry": 0, "failed": 0}'
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_scheduler_process_delivers_and_stops_on_sigterm(tmp_path):
    url = f"sqlite:///{tmp_path / 'proc.db'}"
    app = _app(url)
    _fill(app, 2)
    env = {**os.environ, "DATABASE_URL": url, "MAIL_FOLDER": str(tmp_path / "mail"),
           "APP_ENV": "development", "OUTBOX_INTERVAL_SECONDS": "1",
           "SECRET_KEY": "a-jobs-process-shares-the-web-key"}  # fmt: skip
    flask = [sys.executable, "-m", "flask", "--app", "scheduler", "scheduler", "run"]
    process = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        assert "scheduler running" in process.stdout.readline()
        for line in process.stdout:
            if "outbox: 2 sent" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=30)[0]
    finally:
        process.kill()
    assert process.returncode == 0
    assert "scheduler stopped" in rest
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
