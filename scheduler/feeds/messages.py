"""The e-mail that hands a contact their feed link (through the outbox, like every mail)."""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.feeds.services import FeedError, feed_url, webcal_url
from scheduler.i18n import person_name
from scheduler.invites.mail import build_message
from scheduler.invites.outbox.delivery import enqueue


def send_link_to_contact(feed, token: str) -> None:
    """Queue a message to the feed's contact with both links and subscribing steps."""
    contact = feed.contact
    if contact is None or not contact.email:
        raise FeedError(_("This contact has no e-mail address, so the link cannot be sent."))
    lang = feed.language
    with force_locale(lang):
        subject = _("Your meeting calendar from the Changchun foreign affairs office")
        context = {
            "https_url": feed_url(token),
            "webcal_url": webcal_url(token),
            "lang": lang,
            "name": person_name(contact, lang),
        }
        text = render_template("feeds/email.txt", **context)
        html = render_template("feeds/email.html", **context)
    recipient = (contact.email, person_name(contact, lang))
    sender = (current_app.config["MAIL_FROM"], "")
    message = build_message(sender=sender, to=recipient, subject=subject, text=text, html=html)
    enqueue(message, kind="feed_link")
