"""Locale selection, per-language content and name order."""

from functools import lru_cache

import sqlalchemy as sa
from babel.numbers import format_decimal, get_group_symbol
from flask import current_app, g, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.extensions import babel_state
from scheduler.sides import CHINA, KOREA, LANGUAGES

LOCALE_COOKIE = "locale"
# Werkzeug matches "zh-CN" only against "zh_CN"/"zh", never "zh_Hans_CN" (domain-facts §4).
_ACCEPT_CHOICES = ["zh_CN", "zh", "ko_KR", "ko", "en"]


def normalize_locale(value: str | None) -> str | None:
    """Map a language tag such as ``zh-CN`` or ``ko_KR`` to one of zh, ko, en."""
    if not value:
        return None
    base = value.replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def select_locale() -> str:
    """The user's saved choice, then the switcher cookie, then Accept-Language, then zh.

    The choice is remembered in ``g.reader_language`` for the error pages, which must find
    it without the database (`language_without_database`)."""
    user = _signed_in_user()
    if user is not None and user.locale:
        g.reader_language = user.locale
    else:
        g.reader_language = _locale_of_request()
    return g.reader_language


def link_page_language(reader_language: str) -> str:
    """The language of a page opened through a mailed link (an RSVP or poll answer): the one
    the reader chose on this site (account, switcher cookie), else the mail's."""
    user = _signed_in_user()
    if user is not None and user.locale:
        return user.locale
    return normalize_locale(request.cookies.get(LOCALE_COOKIE)) or reader_language


def choose_language_early(app) -> None:
    """Make the language choice at the start of every request (after the login guard has
    loaded the user), so an error page later in the request speaks the reader's language
    even when the database has gone or the transaction is broken by then."""

    @app.before_request
    def _choose_language() -> None:
        get_locale()  # Flask-Babel keeps it for the request; None lets the request go on


def _locale_of_request() -> str:
    chosen = normalize_locale(request.cookies.get(LOCALE_COOKIE))
    if chosen:
        return chosen
    matched = normalize_locale(request.accept_languages.best_match(_ACCEPT_CHOICES))
    return matched or current_app.config["BABEL_DEFAULT_LOCALE"]


def language_without_database() -> str:
    """The reader's language found without a query (error pages while the database is down):
    the choice already made for this request, else a signed-in user's saved one when the
    request loaded the user (only from what was loaded), else cookie, Accept-Language, zh."""
    if g.get("reader_language"):
        return g.reader_language
    user = g.get("_login_user")  # Flask-Login keeps the user it loaded for the request here
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    saved = state.dict.get("locale") if state is not None else None
    return normalize_locale(saved) or _locale_of_request()


def _signed_in_user():
    """The signed-in user, or None: resolved once (each use of `current_user` resolves it
    anew, and a page asks for the viewer's zone on every row)."""
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


def viewer_zone() -> str:
    """The zone of whoever is looking: a signed-in user's own, else the office's."""
    user = _signed_in_user()
    if user is not None:
        return user.timezone
    return current_app.config["OFFICE_TIMEZONE"]


def current_language() -> str:
    """The reader's language: zh, ko or en (read straight from the request's chosen locale
    once there is one: pages ask for it per row)."""
    locale = getattr(babel_state(), "babel_locale", None) or get_locale()
    return str(locale.language)


# A partner's English reader is Korean: a missing English text falls back to Korean first.
PARTNER_ENGLISH_FALLBACK = ("en", KOREA.language, CHINA.language)


def localized(obj, field: str, lang: str | None = None, *, partner_side: bool = False) -> str:
    """``obj.<field>_<lang>`` for the viewer's language, falling back through zh, ko, en;
    for a partner's reader of English (*partner_side*) through ko before zh."""
    lang = lang or current_language()
    order = PARTNER_ENGLISH_FALLBACK if partner_side and lang == "en" else (lang, *LANGUAGES)
    for code in order:
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    return ""


def localized_column(model, field: str, lang: str) -> sa.ColumnElement:
    """localized() worked out by the database, for rows read by the thousand: the first
    non-empty ``<field>_<code>`` column of *model* in the same order, else ''."""
    codes = dict.fromkeys((lang, *LANGUAGES))  # the reader's language first, once
    columns = [getattr(model, f"{field}_{code}", None) for code in codes]
    found = [sa.func.nullif(column, "") for column in columns if column is not None]
    return sa.func.coalesce(*found, "").label(field)


def other_script(obj, field: str, lang: str | None = None) -> str:
    """The name in the partner-side script for a Chinese reader, and Chinese otherwise."""
    lang = lang or current_language()
    code = "ko" if lang == "zh" else "zh"
    return getattr(obj, f"{field}_{code}", "") or ""


def person_name(contact, lang: str | None = None) -> str:
    """Family name first in Chinese and Korean; ``Given FAMILY`` in English.

    An erased contact has no name left: a pseudonym in *lang* stands in for it."""
    lang = lang or current_language()
    if getattr(contact, "erased_at", None) is not None:
        return erased_name(contact.id, lang)
    zh = contact.family_name_zh + contact.given_name_zh
    ko = contact.family_name_ko + contact.given_name_ko
    en = " ".join(p for p in (contact.romanized_given, contact.romanized_family.upper()) if p)
    order = {"zh": (zh, ko, en), "ko": (ko, zh, en), "en": (en, ko, zh)}[lang]
    return next((name for name in order if name), "")


def contact_label(contact, lang: str | None = None) -> str:
    """``김서연 · 부산광역시``: a contact with their partner, for lists where people are picked
    (two contacts may share a name; their partners tell them apart)."""
    lang = lang or current_language()
    partner = getattr(contact, "partner", None)
    name = person_name(contact, lang)
    return f"{name} · {localized(partner, 'name', lang)}" if partner is not None else name


def erased_name(contact_id: int, lang: str | None = None) -> str:
    """The pseudonym of an erased contact in *lang*: made when shown, never stored."""
    with force_locale(lang or current_language()):
        return _("Erased contact #%(id)s", id=contact_id)


def user_name(user, lang: str | None = None) -> str:
    lang = lang or current_language()
    first, second = (user.name_ko, user.name_zh) if lang == "ko" else (user.name_zh, user.name_ko)
    return first or second or user.email


# How a list of names or days is joined: Chinese uses the enumeration comma 、.
LIST_SEPARATORS = {"zh": "、", "ko": ", ", "en": ", "}


def list_separator(lang: str | None = None) -> str:
    """The separator between list items in *lang* (the reader's by default)."""
    return LIST_SEPARATORS.get(lang or current_language(), ", ")


def join_list(items, lang: str | None = None) -> str:
    """*items* as one list in *lang*: ``星期一、星期三`` / ``월요일, 수요일``."""
    return list_separator(lang).join(str(item) for item in items)


def number(value) -> str:
    """*value* formatted for the reader's locale (1,234). Whole numbers take a shortcut:
    a statistics page prints hundreds of them and Babel's general path is slow."""
    locale = get_locale()
    if isinstance(value, int):  # every catalog language groups digits by three
        return f"{value:,}".replace(",", _group_symbol(str(locale)))
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=8)
def _group_symbol(locale_name: str) -> str:
    return get_group_symbol(locale_name)
