"""A PostgreSQL server of the test's own, which the test stops and starts (issue 18: restarts
are tested on a server of their own, never on the machine's shared service).

`initdb` makes a cluster in a temporary folder; the server listens on a free local port with
its socket in that folder. As root (CI), the server runs as the ``postgres`` system user,
since PostgreSQL refuses to run as root. Where the server programs are not installed (a
fresh user's machine has no PostgreSQL), the tests that need it are skipped.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.smtp import _free_port


def _programs() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's newest version folder."""
    if found := shutil.which("pg_ctl"):
        return Path(found).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(f.split("/")[4]))
    return Path(folders[-1]) if folders else None


class OwnPostgres:
    """One PostgreSQL cluster in *folder* on *port*: `start()`, `stop()`, `url`."""

    def __init__(self, programs: Path, folder: Path, port: int):
        self.programs, self.folder, self.port = programs, folder, port
        self.data = folder / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.programs / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=40"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" ends every connection, as a restart does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")


@pytest.fixture
def own_postgres():
    """A running PostgreSQL of this test's own (stopped and removed afterwards)."""
    programs = _programs()
    if programs is None or not (programs / "initdb").exists():
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running PostgreSQL as root needs runuser")
    folder = Path(tempfile.mkdtemp(prefix="own-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = OwnPostgres(programs, folder, _free_port())
    try:
        server.create()
        server.start()
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped by the test
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
