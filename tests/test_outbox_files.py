"""The file transport: a `.eml` appears whole or not at all, and a folder that cannot be
written (no such directory, a full disk) is a retryable failure that stops the batch, never
a crash of `flask outbox deliver`."""

import json
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa

from scheduler.invites.outbox.models import OutboxMessage
from tests.test_outbox_delivery import ROOT, _fill


@pytest.fixture
def mail_folder(app):
    previous = app.config["MAIL_TRANSPORT"], app.config["MAIL_FOLDER"]

    def use(path):
        app.config.update(MAIL_TRANSPORT="file", MAIL_FOLDER=str(path))

    yield use
    app.config["MAIL_TRANSPORT"], app.config["MAIL_FOLDER"] = previous


def test_a_folder_that_cannot_be_made_stops_the_batch_without_a_crash(
    app, db, tmp_path, mail_folder
):
    (tmp_path / "not-a-folder").write_text("a file where the folder's parent should be")
    mail_folder(tmp_path / "not-a-folder" / "mail")
    _fill(app, 3)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"sent": 0, "retry": 1, "failed": 0}
    assert result.stderr == "stopped early: Not a directory\n"
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    # The first message bore the attempt; the two never tried keep theirs.
    assert [(r.status, r.attempts) for r in rows] == [
        ("pending", 1),
        ("pending", 0),
        ("pending", 0),
    ]
    assert {r.error_code for r in rows} == {"no_access"}
    assert rows[0].reason == "The mail folder cannot be written: Not a directory"
    assert rows[1].last_error == "not tried: Not a directory"


def test_a_written_message_leaves_only_its_eml(app, db, tmp_path, mail_folder):
    mail_folder(tmp_path)
    _fill(app, 2)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.stdout == "sent 2, to retry 0, failed 0\n"
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2 and all(name.endswith(".eml") for name in names)


FULL_DISK = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from scheduler.invites.outbox.transports import FileTransport, TransportError

    folder = Path(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))  # files may not grow past 64 KB
    with FileTransport(folder) as transport:
        transport.send("<small@example.cn>", "a@example.cn", "b@example.kr", b"x" * 1000)
        try:
            transport.send("<big@example.cn>", "a@example.cn", "b@example.kr", b"y" * 200_000)
        except TransportError as error:
            print(error.code, error.permanent, error.stops_batch, error.detail, sep="|")
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_a_full_disk_leaves_no_cut_file_and_is_retryable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "disk_full|False|True|File too large\n"
    # The message that fitted is there whole; of the other, not even an empty file.
    files = {path.name: path.stat().st_size for path in tmp_path.iterdir()}
    assert files == {"small_example.cn.eml": 1000}
