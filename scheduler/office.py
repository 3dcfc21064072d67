"""The office that sends every mail and signs every page: its names are settings
(OFFICE_NAME_ZH/KO/EN, OFFICE_SHORT_NAME_ZH/KO/EN), never msgids."""

from flask import current_app

from scheduler.sides import LANGUAGES

DEFAULT_NAMES = {
    "zh": "中韩（长春）国际合作示范区外事办公室",
    "ko": "중한(창춘)국제협력시범구 외사판공실",
    "en": "Foreign Affairs Office, China–ROK (Changchun) International Cooperation "
    "Demonstration Zone",
}
DEFAULT_SHORT_NAMES = {
    "zh": "示范区外事办公室",
    "ko": "시범구 외사판공실",
    "en": "Foreign Affairs Office",
}


def office_name(lang: str, short: bool = False) -> str:
    """The office's name in *lang* (zh, ko or en) as configured; the short form if asked.

    An unknown language gets the English name, which every partner can read."""
    code = lang if lang in LANGUAGES else "en"
    key = f"OFFICE_{'SHORT_' if short else ''}NAME_{code.upper()}"
    defaults = DEFAULT_SHORT_NAMES if short else DEFAULT_NAMES
    return current_app.config.get(key) or defaults[code]


def sender_name(person: str, lang: str) -> str:
    """A From display name: the staff member *person* with the office, the way each
    language writes it; the office alone when *person* is empty."""
    office = office_name(lang)
    person = " ".join(person.split())
    if not person:
        return office
    if lang == "zh":
        return f"{person}（{office}）"
    if lang == "ko":
        return f"{person} · {office}"
    return f"{person}, {office}"


def subject_with_prefix(subject: str, lang: str) -> str:
    """*subject* after MAIL_SUBJECT_PREFIX_<LANG> when one is set. A prefix ending in an ASCII
    bracket or letter (``[…]``) is followed by a space; a full-width one (``【…】``) is not."""
    code = lang if lang in LANGUAGES else "en"
    prefix = " ".join((current_app.config.get(f"MAIL_SUBJECT_PREFIX_{code.upper()}") or "").split())
    if not prefix:
        return subject
    return f"{prefix} {subject}" if prefix[-1].isascii() else f"{prefix}{subject}"
