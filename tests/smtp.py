"""The `smtp_server` fixture: a real SMTP server (aiosmtpd) on a free loopback port.

It records every message it accepts, so tests can check what the app really sent over the wire.
"""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
START_ATTEMPTS = 5  # another process may grab the free port between our probe and the bind


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the server received it: the SMTP envelope and the parsed bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class RecordingHandler:
    """aiosmtpd handler that keeps every accepted message (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages: list[ReceivedMessage] = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        raw = envelope.original_content or envelope.content
        received = ReceivedMessage(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            message=email.message_from_bytes(raw, policy=email.policy.default),
        )
        with self._lock:
            self._messages.append(received)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


class SMTPServer:
    """A running server: `.host`, `.port`, `.messages` (oldest first) and `.clear()`."""

    def __init__(self, controller: Controller, handler: RecordingHandler):
        self._controller = controller
        self._handler = handler
        self.host = controller.hostname
        self.port = controller.port

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A copy of what was received so far, oldest first."""
        return self._handler.snapshot()

    def clear(self) -> None:
        """Forget every message received so far."""
        self._handler.clear()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_smtp_server() -> tuple[Controller, RecordingHandler]:
    """Start aiosmtpd on a free loopback port (aiosmtpd cannot bind port 0 itself)."""
    handler = RecordingHandler()
    for _attempt in range(START_ATTEMPTS - 1):
        controller = Controller(handler, hostname=HOST, port=_free_port(), enable_SMTPUTF8=True)
        try:
            controller.start()
        except OSError:
            continue
        return controller, handler
    controller = Controller(handler, hostname=HOST, port=_free_port(), enable_SMTPUTF8=True)
    controller.start()  # the last attempt lets its error through
    return controller, handler


@pytest.fixture(scope="session")
def _smtp_session_server():
    controller, handler = start_smtp_server()
    try:
        yield SMTPServer(controller, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_session_server):
    """The session's SMTP server, emptied before each test."""
    _smtp_session_server.clear()
    yield _smtp_session_server
    _smtp_session_server.clear()


HANG_AT = 4  # the fourth message of the first batch of five


class HangingHandler(RecordingHandler):
    """Accepts every message but the ``hang_at``-th, whose DATA hangs until ``release``;
    then it answers 451, so that attempt never counts as delivered."""

    def __init__(self, hang_at: int):
        super().__init__()
        self.hang_at, self.seen = hang_at, 0
        self.hanging, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.hang_at:
            self.hanging.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def hanging():
    handler = HangingHandler(HANG_AT)
    controller = Controller(handler, hostname=HOST, port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        handler.release.set()
        controller.stop()
