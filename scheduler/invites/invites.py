"""One invite e-mail per recipient: subject, text and HTML bodies, and the iCalendar object.

Everything a recipient reads is rendered under ``force_locale(recipient.language)``; the
calendar carries the same UID and SEQUENCE for everyone (ical-interop.md §5).
Who gets which invite, and when, is decided in dispatch.py.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.i18n import localized, user_name
from scheduler.invites.ical import (
    InviteParty,
    SeriesLayout,
    attendee_address,
    calendar_bytes,
    invite_event,
    occurrence_event,
    organizer_address,
    series_events,
    series_master_event,
)
from scheduler.invites.mail import build_message
from scheduler.invites.recipients import Recipient, recipient_of
from scheduler.invites.rsvp.services import RSVP_ANSWERS, rsvp_url
from scheduler.meetings.models import STATUS_LABELS, MeetingStatus
from scheduler.meetings.series.summary import describe
from scheduler.sides import LANGUAGE_TAGS, other_side_zone
from scheduler.timefmt import dual_clock

if TYPE_CHECKING:
    from scheduler.meetings.models import Meeting, Participant

# Why a message goes out; picks its subject and first sentence.
REASONS = ("new", "updated", "postponed", "cancelled", "occurrence_cancelled", "removed")


@dataclass(frozen=True)
class Invite:
    """One message to write: to whom, REQUEST or CANCEL, why, and about what.

    ``meeting`` is what the e-mail describes (for a series: the changed occurrence or the
    master's template); ``layout`` is set for a series; ``occurrence_only`` makes a CANCEL of
    just ``meeting`` (RECURRENCE-ID). ``participant`` gives the RSVP links (REQUEST only).
    """

    recipient: Recipient
    method: str
    reason: str
    meeting: "Meeting"
    participant: "Participant | None" = None
    layout: SeriesLayout | None = None
    occurrence_only: bool = False

    @property
    def calendar_uid(self) -> str:
        """The UID the message is about (a series' or the meeting's)."""
        return (self.layout.series.uid if self.layout else self.meeting.uid) + (
            "#" + self.meeting.uid if self.occurrence_only else ""
        )


def _party(invite: Invite, dtstamp: datetime) -> InviteParty:
    recipient, meeting = invite.recipient, invite.meeting
    name = user_name(meeting.organizer, recipient.language)
    return InviteParty(
        lang=recipient.language,
        zone=recipient.timezone,
        organizer=organizer_address(current_app.config["MAIL_FROM"], name),
        attendee=attendee_address(recipient.email, recipient.name),
        dtstamp=dtstamp,
    )


def invite_events(invite: Invite, dtstamp: datetime) -> list:
    """The VEVENTs of *invite*: one meeting; or a series' master with its exceptions; or,
    to cancel one occurrence, just that occurrence."""
    party, method, layout = _party(invite, dtstamp), invite.method, invite.layout

    def event_for(meeting):
        return invite_event(meeting, party, method)

    if layout is None:
        return [event_for(invite.meeting)]
    if invite.occurrence_only:
        return [occurrence_event(layout, invite.meeting, event_for)]
    if method == "CANCEL":
        return [series_master_event(layout, event_for)]
    return series_events(layout, event_for, _absent_from(layout, invite.recipient))


def _absent_from(layout: SeriesLayout, reader: Recipient) -> list:
    """The live occurrences *reader* takes no part in (removed from one, or added later): in
    their copy of the series those dates are EXDATEs, as if cancelled for them alone."""
    return [
        row
        for row in layout.live  # the overrides are among them
        if not any(
            (recipient := recipient_of(p)) and recipient.key == reader.key for p in row.participants
        )
    ]


def invite_calendar(invite: Invite, dtstamp: datetime) -> bytes:
    """The iCalendar bytes of *invite*, METHOD as in the MIME part."""
    return calendar_bytes(invite_events(invite, dtstamp), method=invite.method)


def _when(meeting, recipient: Recipient) -> str:
    zone = recipient.timezone
    return dual_clock(
        meeting.start_dt, zone, other_side_zone(zone), recipient.language, end=meeting.end_dt
    )


def _repeats(layout: SeriesLayout | None) -> str:
    if layout is None:
        return ""
    return describe(layout.series.rule)


def _rsvp_links(invite: Invite) -> dict:
    """Answer links (absolute, signed) when an answer is asked."""
    if invite.method != "REQUEST" or invite.participant is None:
        return {}
    return {answer: rsvp_url(invite.participant, answer) for answer in RSVP_ANSWERS}


def invite_context(invite: Invite) -> dict:
    """What the templates show; call under force_locale(recipient.language)."""
    meeting, recipient, lang = invite.meeting, invite.recipient, invite.recipient.language
    return {
        "invite": invite,
        "meeting": meeting,
        "recipient": recipient,
        "html_lang": LANGUAGE_TAGS.get(lang, lang),
        "title": localized(meeting, "title", lang),
        "when": _when(meeting, recipient),
        "repeats": "" if invite.occurrence_only else _repeats(invite.layout),
        "status": str(STATUS_LABELS[meeting.status]),
        "place": localized(meeting, "location", lang),
        "agenda": localized(meeting, "agenda", lang),
        "organizer_name": user_name(meeting.organizer, lang),
        "organizer_email": meeting.organizer.email,
        "rsvp": _rsvp_links(invite),
        "intro": invite_intro(invite, user_name(meeting.organizer, lang)),
    }


def invite_intro(invite: Invite, organizer_name: str) -> str:
    """The first sentence of the e-mail: why the recipient gets it."""
    if invite.reason == "cancelled":
        return _("The meeting below has been cancelled. Please remove it from your calendar.")
    if invite.reason == "occurrence_cancelled":
        return _(
            "The date below of a recurring meeting has been cancelled. The other dates "
            "stay as they are; your calendar will be updated."
        )
    if invite.reason == "removed":
        return _("You are no longer invited to the meeting below.")
    if invite.reason == "postponed":
        return _("The meeting below has been postponed. We will send the new time.")
    if invite.reason == "updated":
        return _("The meeting below has changed. Your calendar entry will be updated.")
    if invite.meeting.status == MeetingStatus.TENTATIVE:
        return _(
            "%(name)s invites you to the meeting below. The time is not final yet.",
            name=organizer_name,
        )
    return _("%(name)s invites you to the meeting below.", name=organizer_name)


def invite_subject(invite: Invite, context: dict) -> str:
    """The subject line: a whole translatable sentence per reason."""
    title, when = context["title"], context["when"]
    if invite.reason in ("cancelled", "occurrence_cancelled"):
        return _("Cancelled: %(title)s, %(time)s", title=title, time=when)
    if invite.reason == "removed":
        return _("No longer invited: %(title)s, %(time)s", title=title, time=when)
    if invite.reason == "postponed":
        return _("Postponed: %(title)s", title=title)
    if invite.reason == "updated":
        return _("Updated invitation: %(title)s, %(time)s", title=title, time=when)
    if invite.meeting.status == MeetingStatus.TENTATIVE:
        return _("Tentative invitation: %(title)s, %(time)s", title=title, time=when)
    return _("Invitation: %(title)s, %(time)s", title=title, time=when)


def compose_invite(invite: Invite, dtstamp: datetime):
    """The e-mail for *invite* (an EmailMessage), in the recipient's language.

    From is the office mailbox (the ORGANIZER) with the organizing staff member's name;
    Reply-To is that staff member. Raises ValueError for an unusable address.
    """
    recipient, organizer = invite.recipient, invite.meeting.organizer
    with force_locale(recipient.language):
        context = invite_context(invite)
        text = render_template("email/invite.txt", **context)
        html = render_template("email/invite.html", **context)
        subject = invite_subject(invite, context)
        calendar = invite_calendar(invite, dtstamp)
    return build_message(
        sender=(current_app.config["MAIL_FROM"], user_name(organizer, recipient.language)),
        to=(recipient.email, recipient.name),
        subject=subject,
        text=text,
        html=html,
        reply_to=organizer.email or None,
        calendar=calendar,
        method=invite.method,
    )
