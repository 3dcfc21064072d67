"""The e-mail that hands a contact their feed link (through the outbox, like every mail)."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.feeds.services import FeedError, feed_url, webcal_url
from scheduler.i18n import user_name
from scheduler.invites.etiquette import courtesy, office_sender
from scheduler.invites.mail import build_message
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.recipients import recipient_of_contact
from scheduler.office import office_name, subject_with_prefix


def _sender_person(lang: str) -> str:
    """The staff member sending the link (signed in), or "" when a command sends it."""
    user = current_user if current_user and current_user.is_authenticated else None
    return user_name(user, lang) if user is not None else ""


def send_link_to_contact(feed, token: str) -> None:
    """Queue a message to the feed's contact with both links and subscribing steps, from
    the office (in the sending staff member's name), with salutation and signature."""
    contact = feed.contact
    if contact is None or not contact.email:
        raise FeedError(_("This contact has no e-mail address, so the link cannot be sent."))
    lang = feed.language
    recipient = recipient_of_contact(contact, lang)
    with force_locale(lang):
        subject = _("Your meeting calendar from the %(office)s", office=office_name(lang))
        context = {
            "https_url": feed_url(token),
            "webcal_url": webcal_url(token),
            "lang": lang,
            "office": office_name(lang),
            "courtesy": courtesy(recipient),
        }
        text = render_template("feeds/email.txt", **context)
        html = render_template("feeds/email.html", **context)
    message = build_message(
        sender=office_sender(_sender_person(lang), lang),
        to=(recipient.email, recipient.name),
        language=lang,
        subject=subject_with_prefix(subject, lang),
        text=text,
        html=html,
    )
    enqueue(message, kind="feed_link")
