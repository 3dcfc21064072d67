"""Item 13: sent mail bodies and MAIL_FOLDER files are purged after MAIL_RETENTION_DAYS."""

import os
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.jobs import add_jobs, purge_mail_job
from tests.personal_data_support import queue_mail


@pytest.fixture
def folder(app, tmp_path):
    """MAIL_FOLDER in a scratch folder: one file written 200 days ago, one today."""
    before = app.config["MAIL_FOLDER"]
    app.config["MAIL_FOLDER"] = str(tmp_path)
    old, new = tmp_path / "old.eml", tmp_path / "new.eml"
    old.write_bytes(b"Subject: old\r\n\r\nbody\r\n")
    new.write_bytes(b"Subject: new\r\n\r\nbody\r\n")
    aged = (now_utc() - timedelta(days=200)).timestamp()
    os.utime(old, (aged, aged))
    (tmp_path / "notes.txt").write_text("not mail")
    os.utime(tmp_path / "notes.txt", (aged, aged))
    yield tmp_path
    app.config["MAIL_FOLDER"] = before


@pytest.fixture
def outbox(db):
    """Sent 181 and 179 days ago, failed 200 and 10 days ago, waiting for 300 days."""
    now = now_utc()
    rows = {
        "old_sent": queue_mail("a@example.kr", "old sent", "body", "sent", now - timedelta(181)),
        "new_sent": queue_mail("b@example.kr", "new sent", "body", "sent", now - timedelta(179)),
        "old_failed": queue_mail("c@example.kr", "old", "body", "failed", now - timedelta(200)),
        "new_failed": queue_mail("d@example.kr", "new", "body", "failed", now - timedelta(10)),
        "pending": queue_mail("e@example.kr", "waiting", "body", "pending", now - timedelta(300)),
    }
    db.session.commit()
    return rows


def _purged(rows) -> dict:
    db.session.expire_all()
    return {name: db.session.get(OutboxMessage, row.id).raw == b"" for name, row in rows.items()}


def test_the_cli_purges_old_bodies_and_files_and_says_what(app, outbox, folder):
    result = app.test_cli_runner().invoke(args=["outbox", "purge"])
    assert result.exit_code == 0, result.output
    ids = sorted((outbox["old_sent"].id, outbox["old_failed"].id))
    assert result.output == (
        f"Purged the bodies of 2 messages: {ids[0]}, {ids[1]}.\n"
        "Removed 1 files from the mail folder: old.eml.\n"
    )
    assert _purged(outbox) == {
        "old_sent": True, "new_sent": False, "old_failed": True, "new_failed": False,
        "pending": False,
    }  # fmt: skip
    row = db.session.get(OutboxMessage, outbox["old_sent"].id)
    assert (row.recipient, row.subject, row.status) == ("a@example.kr", "old sent", "sent")
    assert row.body_purged_at is not None and row.sent_at is not None
    assert sorted(p.name for p in folder.iterdir()) == ["new.eml", "notes.txt"]
    again = app.test_cli_runner().invoke(args=["outbox", "purge"])
    assert again.output == (
        "Purged the bodies of 0 messages.\nRemoved 0 files from the mail folder.\n"
    )


def test_a_shorter_limit_on_the_command_line_and_bad_values(app, outbox, folder):
    result = app.test_cli_runner().invoke(args=["outbox", "purge", "--days", "100"])
    assert result.exit_code == 0
    assert _purged(outbox)["new_sent"] is True and _purged(outbox)["pending"] is False
    result = app.test_cli_runner().invoke(args=["outbox", "purge", "--days", "-1"])
    assert result.exit_code == 2 and "Invalid value for '--days'" in result.output


def test_the_periodic_job_purges_and_is_registered_hourly(app, outbox, folder):
    assert purge_mail_job(app) == {"messages": 2, "files": 1}
    assert _purged(outbox)["old_sent"] is True
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, app)
    job = scheduler.get_job("purge-mail")
    assert (job.func.__name__, job.trigger.interval) == ("purge_mail_job", timedelta(hours=1))


def test_the_outbox_page_shows_a_purged_body_and_refuses_to_resend_it(
    app, auth, client, outbox, folder
):
    app.test_cli_runner().invoke(args=["outbox", "purge"])
    auth.login("coordinator", locale="en")
    response = client.get("/outbox/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="badge text-bg-light body-purged">Content removed on') == 2
    old_failed, new_failed = outbox["old_failed"].id, outbox["new_failed"].id
    assert f'action="/outbox/{new_failed}/resend"' in html
    assert f'action="/outbox/{old_failed}/resend"' not in html
    refused = client.post(f"/outbox/{old_failed}/resend")
    assert refused.status_code == 409
    assert "it cannot be sent again" in refused.get_data(as_text=True)
    assert db.session.get(OutboxMessage, old_failed).status == "failed"
