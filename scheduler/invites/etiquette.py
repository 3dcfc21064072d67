"""How a mail from the office addresses its reader and signs off (l10n-review §7).

Partners are written to by the office, with their title in the salutation, a greeting, a
formal closing and the office's signature; our own staff are addressed as colleagues.
Every function here reads the current locale: call under ``force_locale(recipient.language)``.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import pgettext

from scheduler.invites.recipients import Recipient
from scheduler.office import office_name, sender_name


def salutation(recipient: Recipient) -> str:
    """The first line: ``김민준 과장님께`` / ``尊敬的金民俊处长：`` / ``Dear Director Kim,``.
    Without a title a form that needs none; a colleague by name alone."""
    name = recipient.name
    if recipient.staff:
        return _("Dear %(name)s,", name=name)
    if recipient.title:
        return _("Dear %(title)s %(name)s,", title=recipient.title, name=name)
    return pgettext("salutation without a title", "Dear %(name)s,", name=name)


def greeting(lang: str) -> str:
    """The line after the salutation (``안녕하십니까. …외사판공실입니다.`` / ``您好！``)."""
    return _("Greetings from the %(office)s.", office=office_name(lang))


def closing() -> str:
    """The formal closing before the signature (``감사합니다.`` / ``顺颂商祺！``)."""
    return _("Yours sincerely,")


def signature(lang: str) -> str:
    """The office's signature line (``…외사판공실 드림`` in Korean)."""
    return pgettext("mail signature", "%(office)s", office=office_name(lang))


def office_sender(person: str, lang: str) -> tuple[str, str]:
    """(address, display name) of a mail from the office mailbox, sent for *person*."""
    return current_app.config["MAIL_FROM"], sender_name(person, lang)


def courtesy(recipient: Recipient) -> dict:
    """The salutation, greeting, closing and signature for a template (``{{ courtesy.… }}``)."""
    lang = recipient.language
    return {
        "salutation": salutation(recipient),
        "greeting": "" if recipient.staff else greeting(lang),
        "closing": closing(),
        "signature": signature(lang),
    }
