"""The token of an RSVP link: opaque, authenticated, stateless.

A token says "participant P of meeting M, as sent at the meeting's sequence S". Earlier
versions signed ``{"p": P, "m": M, "s": S}`` with itsdangerous: base64 JSON that anyone
holding the link could decode, showing internal ids. Now the three numbers are *encrypted*
with AES-SIV (RFC 5297, from the `cryptography` package) under a key derived from SECRET_KEY
for this use alone (`derived_key(KEY_LABEL)`), so the token is 48 URL-safe characters that
show nothing and cannot be altered or made without the key (any change fails authentication).

Why this design: it needs no table and no migration (a random per-participant secret would
need a stored hash per link sent), and AES-SIV is deterministic, so one participant and
sequence always give the same link: the page's form and the mail point to the same URL, and
equal links reveal only what the URL already did. Tokens die with SECRET_KEY, as before.

Links sent before this change (old format, with a ``.`` before their signature) are still
read, with the old key and salt, so answers in mailboxes keep working until their meeting ends
(the expiry checked for every token); nothing issues them any more.
"""

import base64
import binascii
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from scheduler.security import derived_key

KEY_LABEL = b"cnkr-scheduler rsvp token key v1"  # never change: it would void every link
_CONTEXT = [b"rsvp answer link"]  # authenticated with the ids: a token of another kind fails
_PAYLOAD = struct.Struct(">QQI")  # participant id, meeting id, meeting sequence
_TOKEN = re.compile(r"[A-Za-z0-9_-]{48}")  # 16-byte tag + payload, base64 without padding
LEGACY_SALT = "rsvp-answer"  # noqa: S105 - a salt that separates token kinds, not a secret


def _cipher() -> AESSIV:
    return AESSIV(derived_key(KEY_LABEL))  # 32 bytes: AES-128-SIV


def seal(participant_id: int, meeting_id: int, sequence: int) -> str:
    """The opaque token for these three numbers (the same numbers always give the same one)."""
    sealed = _cipher().encrypt(_PAYLOAD.pack(participant_id, meeting_id, sequence), _CONTEXT)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def unseal(token: str) -> tuple[int, int, int]:
    """Participant id, meeting id and sequence of *token* (either format); ValueError when it
    was not made with this SECRET_KEY or was altered."""
    if "." in token:
        return _unseal_legacy(token)
    if not _TOKEN.fullmatch(token):  # the decoder would skip stray characters
        raise ValueError("not an RSVP token")
    try:
        sealed = base64.urlsafe_b64decode(token)
        plain = _cipher().decrypt(sealed, _CONTEXT)
        participant_id, meeting_id, sequence = _PAYLOAD.unpack(plain)
    except (binascii.Error, InvalidTag, ValueError, struct.error) as error:
        raise ValueError("not an RSVP token") from error
    return participant_id, meeting_id, sequence


def _unseal_legacy(token: str) -> tuple[int, int, int]:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=LEGACY_SALT)
    try:
        payload = serializer.loads(token)
        return int(payload["p"]), int(payload["m"]), int(payload["s"])
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise ValueError("not an RSVP token") from error
