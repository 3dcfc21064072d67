"""The endpoint's secret (made, sealed for storage, opened to sign) and the signature header.

``Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>``: the
receiver recomputes the HMAC over the timestamp, a dot and the raw body with the secret it was
shown once, compares in constant time and refuses a timestamp more than a few minutes old.
"""

import hashlib
import hmac
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from scheduler.security import derived_key

SECRET_PREFIX = "whsec_"  # noqa: S105 - a fixed marker that shows what a string is, no secret
KEY_LABEL = b"cnkr-scheduler webhook secret key v1"  # never change: every secret would be lost
_CONTEXT = [b"webhook endpoint secret"]


def new_secret() -> str:
    """A fresh secret of 256 random bits, shown to the administrator once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def seal_secret(secret: str) -> bytes:
    """*secret* encrypted for the database (AES-SIV under a key derived from SECRET_KEY)."""
    return AESSIV(derived_key(KEY_LABEL)).encrypt(secret.encode(), _CONTEXT)


def open_secret(sealed: bytes) -> str:
    """The secret `seal_secret` sealed (InvalidTag if SECRET_KEY changed since)."""
    return AESSIV(derived_key(KEY_LABEL)).decrypt(bytes(sealed), _CONTEXT).decode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` under *secret*."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The Webhook-Signature header's value."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
