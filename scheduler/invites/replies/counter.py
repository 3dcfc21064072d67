"""A proposed new time (iTIP COUNTER): staff accept it or decline it.

Accepting moves the meeting (or the one occurrence) through the ordinary meeting services,
so conflicts are checked and everyone gets the usual update. Declining sends the proposer a
METHOD:DECLINECOUNTER (RFC 5546 §3.2.8: UID, SEQUENCE, ORGANIZER, ATTENDEE, DTSTAMP and the
RECURRENCE-ID of an occurrence; the meeting stays as it is) in their language, through the
outbox. Flushes; the request commits.
"""

from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Event, vCalAddress, vText

from scheduler.db import now_utc
from scheduler.i18n import user_name
from scheduler.invites.etiquette import office_sender
from scheduler.invites.ical import (
    calendar_head,
    clean_parameter,
    event_uid,
    organizer_address,
    series_layout,
    series_uid,
)
from scheduler.invites.mail import build_message
from scheduler.invites.notices import meeting_context
from scheduler.invites.outbox.delivery import enqueue
from scheduler.invites.recipients import recipient_of
from scheduler.invites.replies.matching import is_open
from scheduler.invites.replies.models import InboundReply
from scheduler.invites.replies.review import ReviewError, mark_decided, require_status
from scheduler.invites.vtimezone import first_year_of, vtimezone
from scheduler.meetings import services
from scheduler.meetings.series.services import edit_occurrence
from scheduler.office import subject_with_prefix
from scheduler.sides import LANGUAGE_TAGS

DECLINED_KIND = "counter_declined"  # outbox kind (not invite_*: the invitation stands)


def _meeting_of(row: InboundReply):
    require_status(row, "proposed")
    meeting, participant = row.meeting, row.participant
    if meeting is None or participant is None:
        raise ReviewError(_l("The meeting or the participant of this proposal is gone."))
    if not is_open(meeting):
        raise ReviewError(_l("The meeting is over or cancelled."), status=409)
    return meeting


def accept_counter(row: InboundReply, override_reason: str | None = None) -> None:
    """Move the meeting to the proposed time (MeetingError on clashes, nothing changed)."""
    meeting = _meeting_of(row)
    times = {"start_dt": row.proposed_start, "end_dt": row.proposed_end}
    if meeting.series_id is not None:
        edit_occurrence(meeting, times, override_reason=override_reason)
    else:
        services.reschedule(meeting, row.proposed_start, row.proposed_end, override_reason)
    mark_decided(row, "counter_accepted")


def decline_counter(row: InboundReply) -> None:
    """Tell the proposer the meeting stays as it is (DECLINECOUNTER, queued)."""
    meeting = _meeting_of(row)
    recipient = recipient_of(row.participant)
    with force_locale(recipient.language):
        context = meeting_context(meeting, recipient)
        context["comment"] = row.comment
        subject = _("New time not accepted: %(title)s", title=context["title"])
        text = render_template("email/counter_declined.txt", **context)
        html = render_template("email/counter_declined.html", **context)
        calendar = declinecounter_calendar(row, meeting, recipient)
    lang = recipient.language
    message = build_message(
        sender=office_sender(user_name(meeting.organizer, lang), lang),
        to=(recipient.email, recipient.name),
        language=lang,
        subject=subject_with_prefix(subject, lang),
        text=text,
        html=html,
        reply_to=meeting.organizer.email or None,
        calendar=calendar,
        method="DECLINECOUNTER",
    )
    enqueue(message, kind=DECLINED_KIND, meeting_id=meeting.id)
    mark_decided(row, "counter_declined")


def declinecounter_calendar(row: InboundReply, meeting, recipient) -> bytes:
    """The DECLINECOUNTER calendar; call under force_locale(recipient.language)."""
    series = meeting.series
    event = Event()
    event.add("uid", series_uid(series) if series is not None else event_uid(meeting))
    event.add("dtstamp", now_utc())
    sequence = series_layout(series).sequence if series is not None else meeting.sequence
    event.add("sequence", sequence)
    if series is not None:
        event.add("recurrence-id", meeting.recurrence_start.astimezone(ZoneInfo(series.timezone)))
    name = user_name(meeting.organizer, recipient.language)
    event.add("organizer", organizer_address(current_app.config["MAIL_FROM"], name))
    attendee = vCalAddress(f"mailto:{recipient.email}")
    if clean_parameter(recipient.name):
        attendee.params["CN"] = clean_parameter(recipient.name)
    event.add("attendee", attendee)
    comment = _("The proposed new time could not be accepted; the meeting stays as it is.")
    event.add("comment", vText(comment), parameters={"LANGUAGE": LANGUAGE_TAGS[recipient.language]})
    cal = calendar_head("DECLINECOUNTER")
    if series is not None:  # the RECURRENCE-ID's TZID needs its VTIMEZONE
        cal.add_component(vtimezone(series.timezone, first_year_of([meeting.recurrence_start])))
    cal.add_component(event)
    return cal.to_ical()
