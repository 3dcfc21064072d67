"""The `imap_server` fixture: a real IMAP server (Debian's dovecot-imapd) on a loopback port,
with a throwaway configuration, one user and an empty mailbox per test.

Without Dovecot the tests that use it are skipped, with the reason; with REQUIRE_IMAP=1 (CI,
see .ci/run) a missing Dovecot is a failure instead.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

HOST = "127.0.0.1"
PASSWORD = "office-mailbox-test"
MISSING = "Dovecot is not installed (apt-get install dovecot-imapd): IMAP tests skipped"
CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


def _required() -> bool:
    return os.environ.get("REQUIRE_IMAP", "").strip() in {"1", "true", "yes"}


def _dovecot() -> str | None:
    return shutil.which("dovecot") or next(
        (path for path in ("/usr/sbin/dovecot",) if Path(path).exists()), None
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _owner() -> pwd.struct_passwd:
    """Who the mail belongs to: ourselves, or Dovecot's own user when we are root (Dovecot
    never serves mail as root)."""
    if os.geteuid() == 0:
        return pwd.getpwnam("dovecot")
    return pwd.getpwuid(os.geteuid())


def _write_config(root: Path, port: int) -> Path:
    owner, me = _owner(), pwd.getpwuid(os.geteuid())
    login_user = "dovenull" if os.geteuid() == 0 else me.pw_name
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    for folder in ("mail", "home"):
        os.chown(root / folder, owner.pw_uid, owner.pw_gid)
    (root / "passwd").write_text(f"office:{{PLAIN}}{PASSWORD}\n")
    text = CONFIG.format(
        root=root, host=HOST, port=port, uid=owner.pw_uid, gid=owner.pw_gid,
        user=me.pw_name, group=me.pw_name if os.geteuid() else "root", login_user=login_user,
    )  # fmt: skip
    path = root / "dovecot.conf"
    path.write_text(text)
    return path


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            break
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    detail = log.read_text() if log.exists() else ""
    pytest.fail(f"Dovecot did not start on {HOST}:{port}\n{detail}", pytrace=False)


@dataclass
class IMAPServer:
    """A running Dovecot: `.host`, `.port`, the user and password, and helpers for tests."""

    host: str
    port: int
    root: Path
    username: str = "office"
    password: str = PASSWORD

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Deliver *messages* into *folder* with IMAP APPEND."""
        with self.client() as client:
            for raw in messages:
                client.append(folder, raw)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The bytes of every message in *folder* (not marking them read)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search()
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [data[uid][b"BODY[]"] for uid in uids]

    def flags(self, folder: str = "INBOX") -> list[tuple]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search()
            return [flags for _uid, flags in sorted(client.get_flags(uids).items())]


@pytest.fixture(scope="session")
def dovecot():
    """One Dovecot process for the session (skipped, or failed under REQUIRE_IMAP=1, when
    Dovecot is missing)."""
    binary = _dovecot()
    if binary is None:
        if _required():
            pytest.fail(f"REQUIRE_IMAP=1 but {MISSING}", pytrace=False)
        pytest.skip(MISSING)
    # Not under pytest's own folder: as root that is private, and Dovecot's mail processes
    # run as another user (the mailbox's owner) who must reach the mail folder.
    with tempfile.TemporaryDirectory(prefix="dovecot-") as folder:
        root = Path(folder)
        os.chmod(root, 0o755)  # noqa: S103 - the mailbox owner (another user) must enter it
        port = _free_port()
        config = _write_config(root, port)
        process = subprocess.Popen([binary, "-F", "-c", str(config)], stderr=subprocess.PIPE)
        _wait_until_listening(port, process, root / "dovecot.log")
        yield IMAPServer(HOST, port, root)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def imap_server(dovecot):
    """The session's Dovecot with its mailbox emptied for this test (one user: Dovecot reads
    its password file again only when the file's time stamp changes, so users added within
    the same second would be unknown)."""
    with dovecot.client() as client:
        for _flags, _delimiter, name in client.list_folders():
            if name != "INBOX":
                client.delete_folder(name)
        client.select_folder("INBOX")
        client.delete_messages(client.search())
        client.expunge()
    return dovecot
