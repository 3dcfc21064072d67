"""Ways a message leaves the building: an SMTP server, or `.eml` files for development.

A failure is a `TransportError` with a code (`models.ERROR_NAMES`) and a readable detail: the
server's code and text, or the file system's words; never a Python repr. A failure that will
hit every message alike (the server is unreachable, the disk is full) stops the batch, so the
messages not yet tried keep their attempts.
"""

import errno
import os
import smtplib
import ssl
import tempfile
from pathlib import Path

from flask import current_app

DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NO_ACCESS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST}


class TransportError(Exception):
    """A delivery attempt failed.

    ``permanent``: retrying cannot help (a 5xx answer). ``stops_batch``: the next messages
    would fail the same way, so the batch ends here. ``tried``: False when nothing of this
    message reached the server, so it is not charged an attempt.
    """

    def __init__(self, detail: str, code: str, permanent=False, stops_batch=False, tried=True):
        super().__init__(detail)
        self.detail, self.code = detail, code
        self.permanent, self.stops_batch, self.tried = permanent, stops_batch, tried


def describe(error: BaseException) -> str:
    """A short readable account of *error*: an OSError's words, else its first line."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__


def disk_error(error: OSError) -> TransportError:
    """A file-system failure as a retryable error that stops the batch."""
    if error.errno in DISK_FULL:
        code = "disk_full"
    elif error.errno in NO_ACCESS:
        code = "no_access"
    else:
        code = "disk"
    return TransportError(describe(error), code, stops_batch=True)


class FileTransport:
    """Writes each message as `<instance>/mail/<id>.eml` (the default for `make run`).

    A file appears whole or not at all: it is written under a temporary name in the same
    folder and renamed, so a full disk never leaves an empty or cut `.eml` behind.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise disk_error(error) from error
        return self

    def __exit__(self, *_exc):
        return False

    def send(self, message_id: str, sender: str, recipient: str, raw: bytes) -> None:
        name = "".join(c if c.isalnum() or c in "-._" else "_" for c in message_id.strip("<>"))
        try:
            self._write(self.folder / f"{name}.eml", raw)
        except OSError as error:
            raise disk_error(error) from error

    def _write(self, path: Path, raw: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(raw)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def smtp_reply(code: int, text) -> str:
    """``550 5.1.1 No such mailbox`` from a reply's code and (bytes) text."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}".strip()


def _answered(code: int, text) -> TransportError:
    """The server said no: 5xx for good ("refused"), anything else for now ("deferred")."""
    permanent = 500 <= code < 600
    return TransportError(smtp_reply(code, text), "refused" if permanent else "deferred", permanent)


def _refused(error: smtplib.SMTPRecipientsRefused) -> TransportError:
    [(code, text)] = error.recipients.values()  # one recipient per message
    return _answered(code, text)


class SMTPTransport:
    """One SMTP connection for a batch; STARTTLS or implicit TLS and login as configured.

    A dropped connection is opened again once for the next message; a second drop, or a
    failure to connect, stops the batch.
    """

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None
        self.reconnects_left = 1
        self.used = False  # a message went over the current connection

    def __enter__(self):
        self._connect()
        return self

    def __exit__(self, exc_type, *_exc):
        if exc_type is not None and self.connection is not None:
            self.connection.close()  # interrupted mid-message: a polite QUIT could hang
            self.connection = None
        self._close()
        return False

    def _connect(self) -> None:
        cfg = self.config
        try:
            if cfg["SMTP_SECURITY"] == "tls":
                context = ssl.create_default_context()
                self.connection = smtplib.SMTP_SSL(
                    cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"], context=context
                )
            else:
                self.connection = smtplib.SMTP(
                    cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"]
                )
                if cfg["SMTP_SECURITY"] == "starttls":
                    self.connection.starttls(context=ssl.create_default_context())
            if cfg["SMTP_USERNAME"]:
                self.connection.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            where = f"{cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}"
            detail = f"cannot connect to {where}: {_connection_words(error)}"
            raise TransportError(detail, "connection", stops_batch=True) from error

    def _close(self) -> None:
        connection, self.connection, self.used = self.connection, None, False
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()

    def send(self, message_id: str, sender: str, recipient: str, raw: bytes) -> None:
        if self.used and not self._alive():  # dropped since the last message: nothing tried
            self._close()
        if self.connection is None:
            self.reconnects_left -= 1
            if self.reconnects_left < 0:
                raise TransportError(
                    "connection lost again", "dropped", stops_batch=True, tried=False
                )
            self._connect()
        self.used = True
        try:
            self.connection.sendmail(sender, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error) from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == 421:  # the server is closing the connection
                raise self._dropped(smtp_reply(error.smtp_code, error.smtp_error)) from error
            raise _answered(error.smtp_code, error.smtp_error) from error
        except (OSError, smtplib.SMTPException) as error:
            raise self._dropped(f"connection lost: {_connection_words(error)}") from error

    def _alive(self) -> bool:
        """A NOOP before reusing the connection: a server that hung up while we wrote the last
        result (idle timeout, "421 too many messages") costs a reconnect, not an attempt."""
        try:
            return self.connection is not None and self.connection.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def _dropped(self, detail: str) -> TransportError:
        self._close()
        return TransportError(detail, "dropped", stops_batch=self.reconnects_left <= 0)


def _connection_words(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return smtp_reply(error.smtp_code, error.smtp_error)
    if isinstance(error, TimeoutError):
        return "timed out"
    return describe(error) if isinstance(error, OSError) else str(error) or type(error).__name__


def make_transport():
    """The transport named by MAIL_TRANSPORT (``file`` or ``smtp``)."""
    config = current_app.config
    if config["MAIL_TRANSPORT"] == "smtp":
        return SMTPTransport(config)
    return FileTransport(Path(config["MAIL_FOLDER"]))
