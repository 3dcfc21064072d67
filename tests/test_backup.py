"""`flask backup create|verify|restore`: a backup taken while the app writes restores to the
counts of its manifest, on SQLite and (where the client tools are) PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from tests.backup_support import (
    ATTACHMENT,
    STORED_NAME,
    add_meeting,
    cli,
    integrity,
    manifest,
    need_client_tools,
    scratch_app,
    table_counts,
)


def _kind(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def _head(app) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    with app.app_context():
        config.set_main_option("script_location", app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


class Writer(threading.Thread):
    """Commits meetings one after another until stopped, as staff would."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.committed, self.error = app, 0, None
        self.stop, self.started_writing = threading.Event(), threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                add_meeting(self.app, f"会谈 {self.committed}", days=10 + self.committed % 300)
                self.committed += 1
                if self.committed == 3:
                    self.started_writing.set()
        except Exception as error:  # reported by the test
            self.error = error
            self.started_writing.set()

    def wait_for(self, more: int) -> None:
        """Until *more* meetings beyond those counted now are committed."""
        goal = self.committed + more
        while self.committed < goal and self.error is None and self.is_alive():
            self.stop.wait(0.01)


def _back_up_under_writes(app, out) -> tuple[int, int]:
    """Back up *app* into *out* while a writer commits meetings; (meetings before, after)."""
    writer = Writer(app)
    writer.start()
    writer.started_writing.wait(timeout=60)
    before = writer.committed
    result = cli(app, "backup", "create", "--out", out)
    writer.wait_for(3)
    writer.stop.set()
    writer.join(timeout=60)
    assert writer.error is None and result.exit_code == 0, (writer.error, result.output)
    return before, writer.committed


def test_a_backup_taken_under_writes_restores_to_its_manifest(source, target, tmp_path):
    out = tmp_path / "backup"
    before, after = _back_up_under_writes(source, out)
    saved = manifest(out)
    kind, head = _kind(source), _head(source)
    assert before <= saved["counts"]["meetings"] <= after
    assert saved["database"] == kind and saved["alembic_revision"] == head
    assert saved["app_version"] == "0.1.0"
    dump = "database.sqlite3" if kind == "sqlite" else "database.dump"
    assert sorted(saved["files"]) == [dump, f"uploads/{STORED_NAME}"]
    checked = {"sqlite": "opens, integrity ok", "postgresql": "pg_restore reads its contents"}

    verified = cli(source, "backup", "verify", out)
    assert verified.exit_code == 0, verified.output
    assert verified.output.splitlines() == [
        f"backup of {saved['created_at']}: {kind}, migration {head}, app 0.1.0",
        "checksums: 2 files match",
        f"database: {checked[kind]}",
        f"counts: {len(saved['counts'])} tables as in the manifest",
        "OK",
    ]

    restored = cli(target, "backup", "restore", out)
    assert restored.exit_code == 0, restored.output
    lines = restored.output.splitlines()
    assert lines[:4] == [
        f"database: restored, migration {head}",
        f"counts: {len(saved['counts'])} tables as in the manifest",
        "uploads: 1 files",
        f"search index: {saved['counts']['meetings']} meetings indexed",
    ]
    assert lines[4].startswith("feeds: change generation now ")
    assert table_counts(target, saved["counts"]) == saved["counts"]
    assert (tmp_path / "target" / "uploads" / STORED_NAME).read_bytes() == ATTACHMENT
    if kind == "sqlite":
        assert integrity(target) == "ok"


def test_restore_migrates_an_older_backup(database_url, target, tmp_path):
    need_client_tools(database_url)
    older = "b41d7e2c9a15"  # the feed change log; later migrations follow it
    with scratch_app(database_url, tmp_path / "old", revision=older) as old:
        assert cli(old, "backup", "create", "--out", tmp_path / "old-backup").exit_code == 0
    restored = cli(target, "backup", "restore", tmp_path / "old-backup")
    assert restored.exit_code == 0, restored.output
    head = _head(target)
    assert f"migrated: {older} to {head}" in restored.output.splitlines()
    with target.app_context():
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == head


def test_a_restore_never_leaves_a_worker_serving_its_old_feed(source, tmp_path):
    """A worker that read the feed after the backup was taken (its rows remembered at a
    generation the restored counter would reach again) serves the restored state."""
    from tests.dbtools import drop_everything
    from tests.feeds_support import new_feed, summaries

    meeting_id = add_meeting(source, "签约仪式")
    path = new_feed(source, "--partner", "seoul", "--lang", "zh")
    client = source.test_client()
    assert summaries(client.get(path).data) == ["签约仪式"]
    assert cli(source, "backup", "create", "--out", tmp_path / "backup").exit_code == 0
    with source.app_context():
        from scheduler.meetings.models import Meeting

        db.session.get(Meeting, meeting_id).title_zh = "签约仪式（改期）"
        db.session.commit()
    assert summaries(client.get(path).data) == ["签约仪式（改期）"]

    with source.app_context():  # the database is replaced under the running worker
        drop_everything(db.engine)
    (tmp_path / "source" / "uploads" / STORED_NAME).unlink()
    restored = cli(source, "backup", "restore", tmp_path / "backup")
    assert restored.exit_code == 0, restored.output
    assert summaries(client.get(path).data) == ["签约仪式"]


def test_sqlite_file_databases_run_in_wal_mode(app, tmp_path):
    """Readers (a backup among them) then never block the writer; in memory stays in memory."""
    from tests.backup_support import make_app

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL has no journal mode to choose")
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    in_memory = make_app("sqlite://", tmp_path)
    with in_memory.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1


def test_mail_not_sent_at_backup_time_is_held_not_sent_twice(source, target, tmp_path):
    """It may have gone out between the backup and the restore: held as failed ("restored"),
    for staff to send again; mail already sent stays sent."""
    from email.message import EmailMessage

    from scheduler.invites.outbox.delivery import enqueue
    from scheduler.invites.outbox.models import OutboxMessage

    with source.app_context():
        for number, status in enumerate(("pending", "sending", "sent", "failed")):
            message = EmailMessage()
            message["From"], message["To"] = "office@example.cn", f"kim{number}@example.kr"
            message["Subject"], message["Message-ID"] = "회의 안내", f"<m{number}@example.cn>"
            message.set_content("본문")
            enqueue(message).status = status
        db.session.commit()
    out = tmp_path / "backup"
    assert cli(source, "backup", "create", "--out", out).exit_code == 0
    restored = cli(target, "backup", "restore", out)
    assert restored.exit_code == 0, restored.output
    assert restored.output.splitlines()[-1] == (
        "outbox: 2 messages not sent at backup time held as failed; send again on the "
        "outgoing-mail page only what did not go out"
    )
    with target.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.recipient))
        assert [(row.status, row.error_code) for row in rows] == [
            ("failed", "restored"), ("failed", "restored"), ("sent", ""), ("failed", ""),
        ]  # fmt: skip
