"""Ways a message leaves the building: an SMTP server, or `.eml` files for development."""

import smtplib
import ssl
from pathlib import Path

from flask import current_app


class TransportError(Exception):
    """A delivery attempt failed; ``permanent`` when retrying cannot help (a 5xx answer)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class FileTransport:
    """Writes each message as `<instance>/mail/<id>.eml` (the default for `make run`)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *_exc):
        return False

    def send(self, message_id: str, sender: str, recipient: str, raw: bytes) -> None:
        name = "".join(c if c.isalnum() or c in "-._" else "_" for c in message_id.strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(raw)


class SMTPTransport:
    """One SMTP connection for a batch; STARTTLS or implicit TLS and login as configured."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self):
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
            raise TransportError(f"cannot connect to {cfg['SMTP_HOST']}: {error}") from error
        return self

    def __exit__(self, *_exc):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
        return False

    def send(self, message_id: str, sender: str, recipient: str, raw: bytes) -> None:
        try:
            self.connection.sendmail(sender, [recipient], raw)
        except smtplib.SMTPResponseException as error:
            permanent = 500 <= error.smtp_code < 600
            raise TransportError(f"{error.smtp_code} {error.smtp_error!r}", permanent) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _msg in error.recipients.values()]
            permanent = all(500 <= code < 600 for code in codes)
            raise TransportError(f"recipient refused: {error.recipients}", permanent) from error
        except (OSError, smtplib.SMTPException) as error:
            raise TransportError(f"connection failed: {error}") from error


def make_transport():
    """The transport named by MAIL_TRANSPORT (``file`` or ``smtp``)."""
    config = current_app.config
    if config["MAIL_TRANSPORT"] == "smtp":
        return SMTPTransport(config)
    return FileTransport(Path(config["MAIL_FOLDER"]))
