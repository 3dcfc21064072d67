"""One POST of one event, to the address that was just checked (no second name look-up, no
redirects), with the headers a receiver needs: Webhook-Id, Webhook-Timestamp and
Webhook-Signature."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from scheduler.api.webhooks.addresses import parse_url, resolve
from scheduler.api.webhooks.signing import signature_header

USER_AGENT = "cnkr-scheduler-webhooks/1"
MAX_DETAIL = 300  # characters of the receiver's answer kept to show administrators


@dataclass(frozen=True)
class Attempt:
    """The outcome of one POST: the HTTP status (None when there was no answer), an error
    code for `models.ERROR_NAMES` ("" when delivered) and readable details."""

    status: int | None
    code: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to *address* (checked) while naming the host in the request as usual."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to *address* (checked); TLS verifies the certificate of the host name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request_target(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def post(url: str, secret: str, event_id: str, body: bytes, timeout: float) -> Attempt:
    """POST *body* to *url*, signed with *secret*; AddressError when the host now resolves
    to an address that may not be reached."""
    scheme, host, port = parse_url(url)
    address = resolve(host, port)[0]
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, timeout)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature_header(secret, timestamp, body),
    }
    try:
        connection.request("POST", _request_target(url), body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(MAX_DETAIL).decode("utf-8", "replace")
    except TimeoutError:
        return Attempt(None, "timeout", f"no answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as error:
        return Attempt(None, "connection", str(error) or type(error).__name__)
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Attempt(response.status, "")
    return Attempt(response.status, "status", f"HTTP {response.status} {answer}".strip())
