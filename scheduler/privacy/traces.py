"""The texts that identify a contact: what is looked for in free text and scrubbed from it."""

from scheduler.contacts.models import Contact
from scheduler.contacts.services import CONTACT_FIELDS

# Every field a person fills in but their language and time zone, which identify nobody.
PERSONAL_FIELDS = tuple(f for f in CONTACT_FIELDS if f not in ("language", "timezone"))
# A single character (a family name such as 김 or 王) would match half the office's text.
MIN_TRACE = 2


def full_names(contact: Contact) -> list[str]:
    """The contact's whole names in every script and order people write them."""
    family, given = contact.romanized_family, contact.romanized_given
    names = {
        contact.family_name_ko + contact.given_name_ko,
        contact.family_name_zh + contact.given_name_zh,
        f"{family} {given}".strip(),
        f"{given} {family}".strip(),
        f"{given} {family.upper()}".strip(),
    }
    # Family names alone are shared by many people; whole names only, longest first so a
    # replacement never leaves half a name behind.
    return sorted((n for n in names if len(n) >= MIN_TRACE), key=len, reverse=True)


def traces(contact: Contact) -> list[str]:
    """Every text that would identify *contact*: whole names, e-mail, phone, longest first."""
    found = set(full_names(contact))
    found.update(v for v in (contact.email or "", contact.phone) if len(v) >= MIN_TRACE)
    return sorted(found, key=len, reverse=True)


def mentions(text: str, words: list[str]) -> bool:
    """Whether *text* holds any of *words* (case-insensitively for Latin letters)."""
    lowered = (text or "").lower()
    return any(word.lower() in lowered for word in words)


def replace_all(value, words: list[str], replacement: str):
    """*value* (a string, or lists and dicts of them, as stored JSON) with every word replaced."""
    if isinstance(value, str):
        for word in words:
            value = _replace_folded(value, word, replacement)
        return value
    if isinstance(value, list):
        return [replace_all(item, words, replacement) for item in value]
    if isinstance(value, dict):
        return {key: replace_all(item, words, replacement) for key, item in value.items()}
    return value


def _replace_folded(text: str, word: str, replacement: str) -> str:
    lowered, needle = text.lower(), word.lower()
    if len(lowered) != len(text):  # lower() changed the length: fall back to exact matching
        return text.replace(word, replacement)
    parts, start = [], 0
    while (found := lowered.find(needle, start)) >= 0:
        parts += [text[start:found], replacement]
        start = found + len(needle)
    return "".join([*parts, text[start:]])


def erased_address(contact_id: int) -> str:
    """What stands for an erased contact's address in kept mail metadata (never deliverable)."""
    return f"contact-{contact_id}@erased.invalid"
