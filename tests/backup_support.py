"""Helpers for the backup tests: apps on scratch databases, the CLI, counting rows."""

import json
import shutil
import sqlite3
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db
from tests.dbtools import scratch_database

STORED_NAME = "0123456789abcdef0123456789abcdef"  # an attachment's file (random in the app)
ATTACHMENT = b"%PDF-1.4 minutes of the 2024 exchange\n"


@pytest.fixture
def source(database_url, tmp_path):
    """An app on a scratch database of the test database's kind, with one upload."""
    need_client_tools(database_url)
    with scratch_app(database_url, tmp_path / "source") as app:
        folder = tmp_path / "source" / "uploads"
        folder.mkdir()
        (folder / STORED_NAME).write_bytes(ATTACHMENT)
        yield app


@pytest.fixture
def target(database_url, tmp_path):
    """An app on a new, empty database with an empty uploads folder."""
    with scratch_app(database_url, tmp_path / "target", migrate=False) as app:
        yield app


WRITER_PASSWORD = "correct horse battery"  # noqa: S105 - a test account


def need_client_tools(database_url: str) -> None:
    """Skip (visibly) a PostgreSQL run where pg_dump/pg_restore are not installed."""
    if database_url.startswith("postgresql"):
        missing = [name for name in ("pg_dump", "pg_restore") if shutil.which(name) is None]
        if missing:
            pytest.skip(
                f"{' and '.join(missing)} not installed (apt-get install postgresql-client)"
            )


def make_app(url: str, folder: Path):
    """An app on *url* with its own uploads and feed-cache folders under *folder*."""
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "FEED_CACHE_FOLDER": str(folder / "feed-cache"),
    }
    return create_app({**config, **settings})


@contextmanager
def scratch_app(database_url: str, folder: Path, revision: str = "head", migrate: bool = True):
    """An app on a new scratch database (migrated to *revision* and seeded unless
    *migrate* is false: then the database stays empty), dropped afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    with scratch_database(database_url, folder) as url:
        app = make_app(url, folder)
        if migrate:
            with app.app_context():
                upgrade(revision=revision)
                if revision == "head":
                    from scheduler.partners.services import seed_partners

                    seed_partners()
                    db.session.commit()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def cli(app, *args):
    """Run `flask --app scheduler ARGS` against *app*."""
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def table_counts(app, names) -> dict[str, int]:
    """Row counts of the tables *names* in *app*'s database (counted here, not by the app)."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            name: connection.scalar(sa.text(f'SELECT count(*) FROM "{name}"')) for name in names
        }


def integrity(app) -> str:
    """SQLite's integrity check of *app*'s database file ("ok" when sound)."""
    with app.app_context():
        path = db.engine.url.database
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def add_meeting(app, title: str, days: float = 3.0) -> int:
    """Commit a confirmed Seoul meeting *days* from now; its id."""
    from scheduler.auth.models import User
    from scheduler.auth.services import create_user
    from scheduler.meetings.services import create_meeting
    from scheduler.partners.services import get_partner

    with app.app_context():
        organizer = db.session.scalar(sa.select(User).where(User.email == "writer@example.org"))
        if organizer is None:
            organizer = create_user("writer@example.org", WRITER_PASSWORD, "coordinator")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
        data = {"kind": "video_link", "title_zh": title, "title_ko": title,
                "start_dt": start, "end_dt": start + timedelta(hours=1),
                "timezone": "Asia/Shanghai", "status": "confirmed"}  # fmt: skip
        meeting = create_meeting(organizer, data, [get_partner("seoul")])
        db.session.commit()
        return meeting.id
