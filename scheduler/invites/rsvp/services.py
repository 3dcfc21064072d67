"""Answers to an invitation (accepted, tentative, declined) through signed links.

A token names one participant of one meeting at one ``sequence`` (opaque: `tokens`); it needs
no login and is valid until the meeting ends. The link only shows the meeting: a mail scanner
following it changes nothing, the recipient's button (a POST) records the answer.
"""

from dataclasses import dataclass

from flask_babel import force_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.audit.services import record
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.invites.notices import (
    absolute_url,
    meeting_context,
    organizer_recipient,
    queue_notice,
)
from scheduler.invites.recipients import Recipient, recipient_of
from scheduler.invites.reminders.services import sync_reminders
from scheduler.invites.rsvp.signals import rsvp_answered
from scheduler.invites.rsvp.tokens import seal, unseal
from scheduler.meetings.models import Participant
from scheduler.meetings.services import participant_label
from scheduler.sides import CHINA

RSVP_ANSWERS = ("accepted", "tentative", "declined")
RSVP_STATUSES = ("needs_action", *RSVP_ANSWERS)
RSVP_LABELS = {
    "needs_action": _l("No answer yet"),
    # NOTE: an invitee's answer (status), next to Maybe and Declined
    "accepted": _l("Accepted"),
    # NOTE: RSVP button and link in the invitation: might attend
    "tentative": _l("Maybe"),
    # NOTE: an invitee's answer (status): will not attend
    "declined": _l("Declined"),
}
# The answers as offered to partners (参加 / 待定 / 不参加): the same words on the page's
# buttons and in the invitation mail, never a blunt "reject".
ANSWER_BUTTONS = {
    "accepted": lazy_pgettext("rsvp answer", "Accept"),
    "tentative": lazy_pgettext("rsvp answer", "Maybe"),
    "declined": lazy_pgettext("rsvp answer", "Decline"),
}


# Why a token cannot be used: the answer's status and what the page says.
TOKEN_PROBLEMS = {
    "tampered": (400, _l("This answer link is not valid. Please use the link from your e-mail.")),
    "foreign": (404, _l("This answer link does not belong to any invitation we know.")),
    "expired": (410, _l("This meeting is over, so its answer link no longer works.")),
}


class RSVPError(UserError):
    """A token that cannot be used; ``reason`` is tampered, foreign or expired."""

    def __init__(self, reason: str):
        status, message = TOKEN_PROBLEMS[reason]
        super().__init__(message, status=status)
        self.reason = reason


@dataclass(frozen=True)
class RSVPClaim:
    """What a valid token says: this participant, and the meeting version it was sent for."""

    participant: Participant
    sequence: int

    @property
    def is_stale(self) -> bool:
        """The meeting changed (time, place, status) since the link was sent."""
        return self.sequence < self.participant.meeting.sequence


def rsvp_token(participant) -> str:
    """A token bound to *participant*, their meeting and the meeting's current sequence."""
    return seal(participant.id, participant.meeting_id, participant.meeting.sequence)


def rsvp_url(participant, answer: str) -> str:
    """The absolute link (under BASE_URL) that offers *participant* to answer *answer*."""
    if answer not in RSVP_ANSWERS:
        raise ValueError(f"unknown RSVP answer: {answer!r}")
    return absolute_url("rsvp.respond", token=rsvp_token(participant), answer=answer)


def read_token(token: str) -> RSVPClaim:
    """The claim in *token*; raises RSVPError when it is tampered, foreign or expired."""
    try:
        participant_id, meeting_id, sequence = unseal(token)
    except ValueError as error:
        raise RSVPError("tampered") from error
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.meeting_id != meeting_id:
        raise RSVPError("foreign")
    if participant.meeting.end_dt <= now_utc():
        raise RSVPError("expired")
    return RSVPClaim(participant, sequence)


def record_answer(claim: RSVPClaim, answer: str, *, tell: bool = True) -> bool:
    """Store *answer* for the claim's participant, audit it and tell the organizer (flushes).

    The answer is to the claim's version: an answer link refuses stale claims first (its
    answer is always to the current version); a calendar's REPLY to an earlier SEQUENCE is
    stored as an answer to that version, which the meeting page shows as needing
    re-confirmation. Returns False (and changes nothing) when the same answer to the same
    version is stored already, or an answer to a newer version. *tell* False leaves the
    organizer's notice out (one notice for a reply that answers a whole series).
    """
    if answer not in RSVP_ANSWERS:
        raise ValueError(f"unknown RSVP answer: {answer!r}")
    participant, meeting = claim.participant, claim.participant.meeting
    # Answers race (a double click, a mail scanner, a calendar's reply with the link's): the
    # row lock makes the later one wait, then see the earlier answer and change nothing, so
    # the organizer hears once (PostgreSQL; SQLite lets one writer in at a time anyway).
    db.session.refresh(participant, with_for_update=True)
    version = min(claim.sequence, meeting.sequence)
    if (participant.rsvp_status, participant.rsvp_sequence) == (answer, version):
        return False
    if participant.rsvp_sequence is not None and participant.rsvp_sequence > version:
        return False
    before = participant.rsvp_status
    participant.rsvp_status, participant.rsvp_at = answer, now_utc()
    participant.rsvp_sequence = version
    changes = {
        "participant": participant_label(participant),
        "rsvp_status": [before, answer],
        "sequence": version,
    }
    record(db.session, "rsvp", meeting, changes)
    if tell:
        _tell_organizer(participant, answer)
    sync_reminders(meeting)  # a declined participant gets no reminders
    db.session.flush()
    rsvp_answered.send(participant, answer=answer)
    return True


def _tell_organizer(participant, answer: str) -> None:
    meeting = participant.meeting
    organizer = organizer_recipient(meeting)
    if organizer is None:
        return
    with force_locale(organizer.language):
        context = meeting_context(meeting, organizer)
        who = recipient_of(participant)
        context.update(
            answer=answer, who=who.name if who else "", meeting_url=meeting_page_url(meeting)
        )
        subject = answer_sentence(answer, context["who"], context["title"])
        queue_notice(organizer, "rsvp_answer", subject, context, kind="rsvp_answer")


def answer_sentence(answer: str, name: str, title: str) -> str:
    """``王芳 accepted the invitation to …`` as one translatable sentence per answer."""
    if answer == "accepted":
        return _("%(name)s accepted the invitation to %(title)s.", name=name, title=title)
    if answer == "tentative":
        return _("%(name)s might attend %(title)s (tentative).", name=name, title=title)
    return _("%(name)s declined the invitation to %(title)s.", name=name, title=title)


def meeting_page_url(meeting) -> str:
    """The staff page of *meeting*, absolute (for mail)."""
    return absolute_url("meetings.show_meeting", meeting_id=meeting.id)


def reader_of(participant) -> Recipient:
    """Who the link was sent to; a participant without e-mail still reads in their language."""
    found = recipient_of(participant)
    return found or Recipient("", "", CHINA.language, CHINA.zone)
