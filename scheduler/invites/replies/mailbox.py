"""The office mailbox over IMAP (IMAPClient): read calendar replies, file them away.

The invites' ORGANIZER is MAIL_FROM, so calendar programs mail their answers there. One poll:
list IMAP_FOLDER, look at each message's structure (nothing is downloaded or marked read
unless it has a calendar part), process each calendar message in its own transaction
(committed: a job commits per unit of work) and only then move it to IMAP_DONE_FOLDER. A
crash between the commit and the move leaves the message in the inbox; the next poll finds it
processed already (Message-ID and digest) and only moves it. Mail without a calendar, or whose
calendar is not iTIP, stays where it is, unread.
"""

import logging
import ssl
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy.exc import IntegrityError

from scheduler.extensions import db
from scheduler.invites.replies.services import ingest
from scheduler.sides import CHINA

log = logging.getLogger(__name__)
SECURITY_MODES = ("tls", "starttls", "none")
DEFAULT_PORTS = {"tls": 993, "starttls": 143, "none": 143}
CALENDAR_KINDS = {("text", "calendar"), ("application", "ics")}


class MailboxError(Exception):
    """The mailbox cannot be reached or used; the message says why (for logs and the CLI)."""


@dataclass
class FetchCounts:
    """What one poll did: calendar messages processed now, seen before, and left alone."""

    processed: int = 0
    duplicates: int = 0
    left_alone: int = 0
    outcomes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("processed", "duplicates", "left_alone")}


def process(raw: bytes) -> tuple[str, object]:
    """Ingest *raw* in a transaction of its own and commit it: ("new", row), ("seen", row) or
    ("not_itip", None). Another process that stored the same message first wins."""
    try:
        with force_locale(CHINA.language):  # names in the audit log: the office's language
            result = ingest(raw)
        db.session.commit()  # a job commits per unit of work: this message and its effects
    except IntegrityError:
        db.session.rollback()
        return "seen", None
    if result is None:
        return "not_itip", None
    return ("new" if result.new else "seen"), result.reply


def _text(value) -> str:
    return (value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)).lower()


def _names(params) -> list[str]:
    items = list(params or ())
    return [_text(items[i + 1]) for i in range(0, len(items) - 1, 2) if _text(items[i]) == "name"]


def has_calendar(body) -> bool:
    """Whether a BODYSTRUCTURE holds a calendar part (not inside an attached message)."""
    if body.is_multipart:
        return any(has_calendar(part) for part in body[0])
    kind = (_text(body[0]), _text(body[1]))
    if kind == ("message", "rfc822"):
        return False
    return kind in CALENDAR_KINDS or any(n.endswith(".ics") for n in _names(body[2]))


def _settings() -> dict:
    config = current_app.config
    security = config["IMAP_SECURITY"].strip().lower()
    if security not in SECURITY_MODES:
        raise MailboxError(f"IMAP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    if not config["IMAP_HOST"]:
        raise MailboxError("IMAP_HOST is not set")
    port = int(config["IMAP_PORT"] or DEFAULT_PORTS[security])
    return {"host": config["IMAP_HOST"], "port": port, "security": security}


def _connect() -> IMAPClient:
    settings, config = _settings(), current_app.config
    context = ssl.create_default_context()
    client = IMAPClient(
        settings["host"],
        port=settings["port"],
        ssl=settings["security"] == "tls",
        ssl_context=context,
        timeout=float(config["IMAP_TIMEOUT"]),
    )
    if settings["security"] == "starttls":
        client.starttls(context)
    client.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"])
    return client


def fetch_once() -> FetchCounts:
    """One poll of IMAP_FOLDER; raises MailboxError when the mailbox cannot be used."""
    try:
        client = _connect()
    except (OSError, IMAPClientError) as error:
        raise MailboxError(f"cannot open the mailbox: {error}") from error
    try:
        return _poll(client)
    except (OSError, IMAPClientError) as error:
        raise MailboxError(f"mailbox error: {error}") from error
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):
            log.debug("logout failed", exc_info=True)


def _poll(client: IMAPClient) -> FetchCounts:
    config, counts = current_app.config, FetchCounts()
    done = config["IMAP_DONE_FOLDER"]
    if not client.folder_exists(done):
        client.create_folder(done)
    client.select_folder(config["IMAP_FOLDER"])
    uids = client.search(["NOT", "DELETED"])
    structures = client.fetch(uids, ["BODYSTRUCTURE"]) if uids else {}
    finished = []
    for uid in uids:
        body = structures.get(uid, {}).get(b"BODYSTRUCTURE")
        if body is None or not has_calendar(body):
            counts.left_alone += 1
            continue
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        outcome, row = process(raw)
        counts.outcomes.append((uid, outcome, row))
        if outcome == "not_itip":
            counts.left_alone += 1
            continue
        counts.processed += outcome == "new"
        counts.duplicates += outcome == "seen"
        finished.append(uid)
    if finished:
        _move(client, finished, done)
    return counts


def _move(client: IMAPClient, uids: list, folder: str) -> None:
    """Move *uids* to *folder* (MOVE where the server has it, else copy, delete, expunge)."""
    if client.has_capability("MOVE"):
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.delete_messages(uids)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()
