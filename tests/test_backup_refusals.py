"""Bad input to `flask backup …`: a clear message, exit code 1, and nothing changed."""

import json

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from tests.backup_support import STORED_NAME, cli, manifest


@pytest.fixture
def backup(source, tmp_path):
    """A backup of the source app (one upload)."""
    out = tmp_path / "backup"
    result = cli(source, "backup", "create", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _dump(out) -> str:
    return "database.sqlite3" if manifest(out)["database"] == "sqlite" else "database.dump"


def _tables(app) -> list[str]:
    with app.app_context(), db.engine.connect() as connection:
        return sorted(sa.inspect(connection).get_table_names())


def _header(out) -> str:
    saved = manifest(out)
    return (
        f"backup of {saved['created_at']}: {saved['database']}, "
        f"migration {saved['alembic_revision']}, app {saved['app_version']}"
    )


def test_create_refuses_a_folder_that_holds_anything(source, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = cli(source, "backup", "create", "--out", out)
    assert result.exit_code == 1
    assert result.output == f"Error: {out} exists and is not an empty folder: choose a new one.\n"
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_restore_refuses_a_database_that_holds_tables(source, backup):
    tables = _tables(source)
    with source.app_context():
        meetings = db.session.scalar(sa.text("SELECT count(*) FROM meetings"))
    result = cli(source, "backup", "restore", backup)
    assert result.exit_code == 1
    shown = ", ".join(tables[:5]) + ", …"
    assert result.output == (
        f"Error: The database is not empty ({len(tables)} tables: {shown}). Restore only into "
        "a new, empty database: create one (or drop this one) and run restore again.\n"
    )
    with source.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM meetings")) == meetings


def test_restore_refuses_an_uploads_folder_that_holds_files(backup, target, tmp_path):
    folder = tmp_path / "target" / "uploads"
    folder.mkdir()
    (folder / "ffffffffffffffffffffffffffffffff").write_bytes(b"another office's file")
    result = cli(target, "backup", "restore", backup)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: The uploads folder {folder} is not empty. Restore only into an empty "
        "UPLOAD_FOLDER: move its files away and run restore again.\n"
    )
    assert _tables(target) == []


def _change_upload(out):
    (out / "uploads" / STORED_NAME).write_bytes(b"%PDF-1.4 other minutes\n")
    return f"checksum mismatch: uploads/{STORED_NAME}"


def _remove_upload(out):
    (out / "uploads" / STORED_NAME).unlink()
    return f"missing file: uploads/{STORED_NAME}"


def _add_file(out):
    (out / "uploads" / "extra.txt").write_text("slipped in")
    return "not in the manifest: uploads/extra.txt"


@pytest.mark.parametrize("tamper", [_change_upload, _remove_upload, _add_file])
def test_a_tampered_backup_fails_verify_naming_the_file(backup, target, tamper):
    problem = tamper(backup)
    verified = cli(target, "backup", "verify", backup)
    assert verified.exit_code == 1
    assert verified.output.splitlines() == [_header(backup), problem, "FAILED"]
    restored = cli(target, "backup", "restore", backup)
    assert restored.exit_code == 1
    assert restored.output == f"Error: The backup does not verify; nothing restored: {problem}\n"
    assert _tables(target) == []


def test_a_database_file_that_does_not_open_fails_verify(backup, target):
    dump = backup / _dump(backup)
    dump.write_bytes(b"not a database at all" * 100)
    saved = manifest(backup)  # a consistent manifest: only the database check can tell
    from scheduler.backup.manifest import sha256

    saved["files"][dump.name] = sha256(dump)
    (backup / "manifest.json").write_text(json.dumps(saved))
    verified = cli(target, "backup", "verify", backup)
    assert verified.exit_code == 1
    lines = verified.output.splitlines()
    assert lines[:2] == [_header(backup), f"checksums: {len(saved['files'])} files match"]
    assert lines[2].startswith("database: cannot be opened: ") and lines[3:] == ["FAILED"]
    if saved["database"] == "sqlite":
        assert lines[2] == "database: cannot be opened: file is not a database"


@pytest.mark.parametrize("command", ["verify", "restore"])
def test_a_folder_without_a_manifest_is_not_a_backup(backup, target, command):
    (backup / "manifest.json").unlink()
    result = cli(target, "backup", command, backup)
    assert result.exit_code == 1
    path = backup / "manifest.json"
    assert result.output == f"Error: {path} is missing: {backup} is not a complete backup.\n"
    assert _tables(target) == []


def test_a_backup_of_an_unknown_migration_is_refused(backup, target):
    saved = manifest(backup)
    saved["alembic_revision"] = "ffffffffffff"
    (backup / "manifest.json").write_text(json.dumps(saved))
    result = cli(target, "backup", "restore", backup)
    assert result.exit_code == 1
    assert result.output == (
        "Error: The backup's migration ffffffffffff is unknown to this version of the app "
        "(made by a newer one?): restore it with the version that made it.\n"
    )
    assert _tables(target) == []


def test_without_pg_dump_the_message_says_what_to_install(source, tmp_path, monkeypatch):
    with source.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite backups need no client tools")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    result = cli(source, "backup", "create", "--out", tmp_path / "backup")
    assert result.exit_code == 1
    assert result.output == (
        "Error: pg_dump is not installed: install the PostgreSQL client tools of the server's "
        "major version (Debian/Ubuntu: apt-get install postgresql-client) and try again.\n"
    )
