"""The token of a poll's answer link: one person asked in one poll, opaque and authenticated.

The RSVP links' design (`scheduler.invites.rsvp.tokens`): the two ids are encrypted with
AES-SIV under a key derived from SECRET_KEY for this use alone, with a context of its own, so
a token shows nothing, cannot be altered or made without the key, and an RSVP token is never
taken for a poll token (nor the other way round). Deterministic: the mail and the page's form
point to the same address. No table, no expiry of its own: the poll's status decides what
the page offers, and its dates when the link stops working (`answers.link_expires_at`).
"""

import base64
import binascii
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from scheduler.security import derived_key

KEY_LABEL = b"cnkr-scheduler poll answer token key v1"  # never change: it would void every link
_CONTEXT = [b"poll answer link"]
_PAYLOAD = struct.Struct(">QQ")  # invitee id, poll id
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # 16-byte tag + 16-byte payload, base64 unpadded


def _cipher() -> AESSIV:
    return AESSIV(derived_key(KEY_LABEL))


def seal(invitee_id: int, poll_id: int) -> str:
    """The token for this person asked in this poll (always the same one)."""
    sealed = _cipher().encrypt(_PAYLOAD.pack(invitee_id, poll_id), _CONTEXT)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def unseal(token: str) -> tuple[int, int]:
    """Invitee id and poll id of *token*; ValueError when it was altered or not made here."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a poll token")
    try:
        plain = _cipher().decrypt(base64.urlsafe_b64decode(token + "="), _CONTEXT)
        invitee_id, poll_id = _PAYLOAD.unpack(plain)
    except (binascii.Error, InvalidTag, ValueError, struct.error) as error:
        raise ValueError("not a poll token") from error
    return invitee_id, poll_id
