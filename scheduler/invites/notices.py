"""Plain notices by e-mail (reminders, RSVP answers): rendered in the reader's language, queued.

Invites with calendars live in dispatch.py; these carry no calendar part.
"""

from datetime import datetime

from flask import current_app, render_template
from flask_babel import gettext as _

from scheduler.i18n import user_name
from scheduler.invites.etiquette import courtesy, office_sender
from scheduler.invites.mail import build_message
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.recipients import Recipient, reader_text, user_recipient
from scheduler.office import subject_with_prefix
from scheduler.sides import other_side_zone
from scheduler.timefmt import dual_clock


def organizer_recipient(meeting) -> Recipient | None:
    """The organizing staff member as a mail recipient (None without an e-mail)."""
    return user_recipient(meeting.organizer)


def absolute_url(endpoint: str, **values) -> str:
    """A page of this site as an absolute link under BASE_URL (for mail; no request needed)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def both_clocks(dt: datetime, recipient: Recipient, end: datetime | None = None) -> str:
    """*dt* (to *end*) on the recipient's clock first, then on the other side's."""
    zone = recipient.timezone
    return dual_clock(dt, zone, other_side_zone(zone), recipient.language, end=end)


def meeting_context(meeting, recipient: Recipient) -> dict:
    """What every notice shows about *meeting*, in the recipient's language and zone."""
    lang = recipient.language
    return {
        "meeting": meeting,
        "title": reader_text(meeting, "title", recipient),
        "when": both_clocks(meeting.start_dt, recipient, meeting.end_dt),
        "place": reader_text(meeting, "location", recipient),
        "agenda": reader_text(meeting, "agenda", recipient),
        "organizer_name": user_name(meeting.organizer, lang),
        "recipient": recipient,
        "courtesy": courtesy(recipient),
    }


def staff_message(recipient: Recipient, template: str, subject: str, context: dict):
    """A notice from the scheduler itself to a staff member: ``email/<template>.txt|.html``
    rendered with *context*. Call under ``force_locale(recipient.language)``."""
    return build_message(
        sender=(current_app.config["MAIL_FROM"], _("China–ROK exchange scheduler")),
        to=(recipient.email, recipient.name),
        language=recipient.language,
        subject=subject_with_prefix(subject, recipient.language),
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
    )


def queue_notice(recipient: Recipient, template: str, subject: str, context: dict, kind: str):
    """Render ``email/<template>.txt|.html`` and put the message in the outbox, from the office
    mailbox in the organizer's name (``王芳（…外事办公室）``), answered to the organizer.

    Call under ``force_locale(recipient.language)``. Flushes only (the caller's transaction).
    """
    meeting, lang = context["meeting"], recipient.language
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    organizer = meeting.organizer.email or None
    message = build_message(
        sender=office_sender(user_name(meeting.organizer, lang), lang),
        to=(recipient.email, recipient.name),
        language=lang,
        subject=subject_with_prefix(subject, lang),
        text=text,
        html=html,
        reply_to=organizer,
    )
    return enqueue(message, kind=kind, meeting_id=meeting.id)
