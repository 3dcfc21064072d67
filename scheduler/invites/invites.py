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

from scheduler.i18n import user_name
from scheduler.invites.changes import changed_rows
from scheduler.invites.etiquette import courtesy, office_sender
from scheduler.invites.ical import (
    InviteParty,
    SeriesLayout,
    attendee_address,
    calendar_bytes,
    invite_event,
    occurrence_event,
    organizer_address,
    series_events,
    series_layout,
    series_master_event,
)
from scheduler.invites.mail import build_message
from scheduler.invites.recipients import Recipient, reader_text, recipient_of
from scheduler.invites.rsvp.services import RSVP_ANSWERS, rsvp_url
from scheduler.meetings.models import STATUS_LABELS, MeetingStatus
from scheduler.meetings.series.summary import describe
from scheduler.office import subject_with_prefix
from scheduler.sides import LANGUAGE_TAGS, other_side_zone
from scheduler.timefmt import dual_clock

if TYPE_CHECKING:
    from scheduler.meetings.models import Meeting, Participant
    from scheduler.meetings.signals import MeetingState

# Why a message goes out; picks its subject and first sentence.
REASONS = ("new", "updated", "postponed", "cancelled", "occurrence_cancelled", "removed")


@dataclass(frozen=True)
class Invite:
    """One message to write: to whom, REQUEST or CANCEL, why, and about what.

    ``meeting`` is what the e-mail describes (for a series: the changed occurrence or the
    master's template); ``layout`` is set for a series; ``occurrence_only`` makes a CANCEL of
    just ``meeting`` (RECURRENCE-ID). ``participant`` gives the RSVP links (REQUEST only).
    ``before`` is the meeting as the reader's last message showed it (for "what changed").
    """

    recipient: Recipient
    method: str
    reason: str
    meeting: "Meeting"
    participant: "Participant | None" = None
    layout: SeriesLayout | None = None
    occurrence_only: bool = False
    before: "MeetingState | None" = None

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
        partner_side=recipient.partner_side,
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
    if invite.method != "REQUEST" or invite.participant is None or _is_organizer(invite):
        return {}  # the organizer does not answer their own invitation
    if invite.reason == "postponed":
        return {}  # nothing to answer until the new time comes
    return {answer: rsvp_url(invite.participant, answer) for answer in RSVP_ANSWERS}


def _is_organizer(invite: Invite) -> bool:
    """True when the mail goes to the staff member who organizes the meeting."""
    organizer = invite.meeting.organizer.email
    return bool(organizer) and organizer.strip().lower() == invite.recipient.key


def invite_context(invite: Invite) -> dict:
    """What the templates show; call under force_locale(recipient.language)."""
    meeting, recipient, lang = invite.meeting, invite.recipient, invite.recipient.language
    return {
        "invite": invite,
        "meeting": meeting,
        "recipient": recipient,
        "html_lang": LANGUAGE_TAGS.get(lang, lang),
        "title": reader_text(meeting, "title", recipient),
        "when": _when(meeting, recipient),
        "repeats": "" if invite.occurrence_only else _repeats(invite.layout),
        "status": str(STATUS_LABELS[meeting.status]),
        "place": reader_text(meeting, "location", recipient),
        "agenda": reader_text(meeting, "agenda", recipient),
        "organizer_name": user_name(meeting.organizer, lang),
        "organizer_email": meeting.organizer.email,
        "rsvp": _rsvp_links(invite),
        "intro": invite_intro(invite),
        "courtesy": courtesy(recipient),
        "calendar_note": calendar_note(invite),
        "changes": changed_rows(invite),
    }


def calendar_note(invite: Invite) -> str:
    """What the attached calendar file does: adds a new meeting, or updates the entry the
    reader has (changes, postponements, a cancelled date of a series); "" for a CANCEL."""
    if invite.method != "REQUEST":
        return ""
    if invite.reason == "new":
        return _("The attached calendar file (invite.ics) puts the meeting in your calendar.")
    return _("The attached calendar file (invite.ics) updates the entry in your calendar.")


def invite_intro(invite: Invite) -> str:
    """The first sentence of the e-mail: why the recipient gets it. The office invites;
    the organizer's own copy says that it is theirs rather than inviting them."""
    if invite.reason == "cancelled":
        return _(
            "We regret to inform you that the meeting below has been cancelled. We apologize "
            "for any inconvenience and ask you to remove it from your calendar."
        )
    if invite.reason == "occurrence_cancelled":
        return _(
            "The date below of a recurring meeting has been cancelled. The other dates "
            "stay as they are; your calendar will be updated."
        )
    if invite.reason == "removed":
        return _(
            "Owing to a change in the list of participants, you need not attend the meeting "
            "below. We ask for your understanding."
        )
    if invite.reason == "postponed":
        return _("The meeting below has been postponed. We will send the new time.")
    if invite.reason == "updated":
        return _("The meeting below has changed. Your calendar entry will be updated.")
    if _is_organizer(invite):
        return _("You organize the meeting below; this copy keeps your calendar up to date.")
    if invite.meeting.status == MeetingStatus.TENTATIVE:
        return _(
            "We plan to hold the meeting below and would be pleased if you could attend. "
            "The time is not final yet; we will let you know as soon as it is."
        )
    return _("We are pleased to invite you to the meeting below.")


def invite_subject(invite: Invite, context: dict) -> str:
    """The subject line: a whole translatable sentence per reason."""
    title, when = context["title"], context["when"]
    if invite.reason in ("cancelled", "occurrence_cancelled"):
        return _("Cancelled: %(title)s, %(time)s", title=title, time=when)
    if invite.reason == "removed":
        return _("Participation adjusted: %(title)s, %(time)s", title=title, time=when)
    if invite.reason == "postponed":
        return _("Postponed: %(title)s", title=title)
    if invite.reason == "updated":
        return _("Updated invitation: %(title)s, %(time)s", title=title, time=when)
    if invite.meeting.status == MeetingStatus.TENTATIVE:
        return _("Tentative invitation: %(title)s, %(time)s", title=title, time=when)
    return _("Invitation: %(title)s, %(time)s", title=title, time=when)


def compose_invite(invite: Invite, dtstamp: datetime):
    """The e-mail for *invite* (an EmailMessage), in the recipient's language.

    From is the office mailbox (the ORGANIZER), named as the organizing staff member of the
    office (``王芳（…外事办公室）``); Reply-To is that staff member. Raises ValueError for an
    unusable address.
    """
    recipient, organizer = invite.recipient, invite.meeting.organizer
    lang = recipient.language
    with force_locale(lang):
        context = invite_context(invite)
        text = render_template("email/invite.txt", **context)
        html = render_template("email/invite.html", **context)
        subject = subject_with_prefix(invite_subject(invite, context), lang)
        calendar = invite_calendar(invite, dtstamp)
    return build_message(
        sender=office_sender(user_name(organizer, lang), lang),
        to=(recipient.email, recipient.name),
        language=lang,
        subject=subject,
        text=text,
        html=html,
        reply_to=organizer.email or None,
        calendar=calendar,
        method=invite.method,
    )


def current_calendar(participant: "Participant", recipient: Recipient) -> bytes:
    """The participant's copy of their meeting as it stands now: what the latest invitation
    would attach (same UID, SEQUENCE and content; a series whole, with the dates they are
    not part of left out), for the RSVP page's download. A cancelled meeting is a CANCEL."""
    meeting = participant.meeting
    layout = series_layout(meeting.series) if meeting.series is not None else None
    shown = layout.template if layout else meeting
    cancelled = (layout.template if layout else meeting).status == MeetingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    invite = Invite(recipient, method, "updated", shown, participant, layout=layout)
    return invite_calendar(invite, shown.updated_at)
