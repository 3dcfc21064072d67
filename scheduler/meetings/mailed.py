"""What staff read after a change that e-mails people: what was done, and to how many.

The count comes from the change itself (`services.confirm` and friends return what the
`meeting_changed` listeners said they will mail, see `signals.mailed_count`): the meetings
package sits below invites and never asks it directly.
"""

from flask_babel import gettext as _
from flask_babel import ngettext


def _confirmed(num: int) -> str:
    if not num:
        return _("The meeting has been confirmed. No one is notified by e-mail.")
    return ngettext(
        "The meeting has been confirmed. %(num)d person will be notified by e-mail.",
        "The meeting has been confirmed. %(num)d people will be notified by e-mail.",
        num,
    )


def _cancelled(num: int) -> str:
    if not num:
        return _("The meeting has been cancelled. No one is notified by e-mail.")
    return ngettext(
        "The meeting has been cancelled. %(num)d person will be notified by e-mail.",
        "The meeting has been cancelled. %(num)d people will be notified by e-mail.",
        num,
    )


def _postponed(num: int) -> str:
    if not num:
        return _("The meeting has been postponed. No one is notified by e-mail.")
    return ngettext(
        "The meeting has been postponed. %(num)d person will be notified by e-mail.",
        "The meeting has been postponed. %(num)d people will be notified by e-mail.",
        num,
    )


def _removed(num: int) -> str:
    if not num:
        return _("The participant has been removed. No one is notified by e-mail.")
    return ngettext(
        "The participant has been removed. %(num)d person will be notified by e-mail.",
        "The participant has been removed. %(num)d people will be notified by e-mail.",
        num,
    )


def _cancelled_several(num: int) -> str:
    if not num:
        return _("The meetings have been cancelled. No one is notified by e-mail.")
    return ngettext(
        "The meetings have been cancelled. %(num)d person will be notified by e-mail.",
        "The meetings have been cancelled. %(num)d people will be notified by e-mail.",
        num,
    )


def _confirmed_several(num: int) -> str:
    if not num:
        return _("The meetings have been confirmed. No one is notified by e-mail.")
    return ngettext(
        "The meetings have been confirmed. %(num)d person will be notified by e-mail.",
        "The meetings have been confirmed. %(num)d people will be notified by e-mail.",
        num,
    )


_MESSAGES = {
    "confirm": _confirmed,
    "cancel": _cancelled,
    "postpone": _postponed,
    "remove": _removed,
    "cancel_following": _cancelled_several,
    "confirm_series": _confirmed_several,
}


def mailed_message(action: str, num: int) -> str | None:
    """The flash message after *action* (confirm, cancel, postpone, remove; for a series
    cancel_following, confirm_series) that e-mails
    *num* people; None for other actions (they keep their general message)."""
    message = _MESSAGES.get(action)
    return message(num) if message else None
