"""Which URLs may receive webhooks: https (http only when WEBHOOKS_ALLOW_HTTP), and a host
whose every address is public (loopback, private, link-local, unspecified, multicast and
reserved networks are refused unless WEBHOOKS_ALLOW_PRIVATE). The check runs when an endpoint
is saved and again at every delivery, and the delivery connects to the very address checked,
so a DNS answer that changes in between (rebinding) cannot reach the office's own network."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler.errors import UserError

MAX_URL_LENGTH = 2000


class AddressError(UserError):
    """A URL that cannot receive webhooks; ``code`` says why (scheme, form, dns, address)."""

    def __init__(self, message, code: str):
        super().__init__(message, field="url")
        self.code = code


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is no part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
    )


def parse_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable *url*, or AddressError (nothing resolved yet)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or not parts.hostname or len(url) > MAX_URL_LENGTH or parts.username:
        raise AddressError(_l("Enter a full address such as https://example.org/hooks."), "form")
    allowed = ("https", "http") if current_app.config["WEBHOOKS_ALLOW_HTTP"] else ("https",)
    if parts.scheme not in allowed:
        raise AddressError(_l("Use an address that starts with https://."), "scheme")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """Every address *host* resolves to, each checked (AddressError when one is not public
    and WEBHOOKS_ALLOW_PRIVATE is off, or when the name does not resolve)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        found = []
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise AddressError(_l("This host name could not be found."), "dns")
    if not current_app.config["WEBHOOKS_ALLOW_PRIVATE"] and not all(map(_public, addresses)):
        raise AddressError(
            _l(
                "This address leads to a private or local network. Webhooks are sent only to "
                "public addresses."
            ),
            "address",
        )
    return addresses


def check_url(url: str) -> str:
    """*url* stripped, when it may receive webhooks now; else AddressError."""
    _scheme, host, port = parse_url(url)
    resolve(host, port)
    return url.strip()
