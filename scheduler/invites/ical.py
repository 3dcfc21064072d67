"""iCalendar bytes for meetings (pure: objects in, bytes out), built with icalendar 7.

`build_event()` makes one VEVENT in one reader's language; `calendar_bytes()` wraps events in a
VCALENDAR with one single-STANDARD VTIMEZONE per TZID. Invites (METHOD:REQUEST/CANCEL with
attendees) and feeds (no METHOD) use the same two functions; `invite_event()`,
`series_master_event()` and `occurrence_event()` add what an invite needs on top.
The checklist: ../shared/reference/ical-interop.md.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from scheduler.i18n import localized, user_name
from scheduler.meetings.models import KIND_LABELS, STATUS_LABELS, MeetingStatus
from scheduler.meetings.series.recurrence import ical_rrule
from scheduler.sides import CATALOG_LANGUAGES, LANGUAGE_TAGS, other_side_zone, zone_of_language
from scheduler.text import first_control, without_controls
from scheduler.timefmt import dual_clock, localize_strict

PRODID = "-//China-ROK Changchun exchange scheduler//Meetings 1.0//EN"
# Never change this suffix: clients key events on UID (a changed UID duplicates every meeting).
UID_SUFFIX = "@cnkr-exchange-scheduler"
# No historical DST for Asia/Shanghai (1986–91) or Asia/Seoul (1987–88): one STANDARD block.
TIMEZONE_FIRST_DATE = date(1992, 1, 1)
LANGUAGE_SEPARATOR = "\n\n" + "—" * 12 + "\n\n"
ICAL_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.TENTATIVE: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}
REASON_STATUSES = (MeetingStatus.POSTPONED, MeetingStatus.CANCELLED)  # the text gives the reason
_CONTROL = re.compile(r"[\x00-\x1f\x7f\"]+")


def event_uid(meeting) -> str:
    """The meeting's UID in every calendar it reaches; stable for the meeting's whole life."""
    return f"{meeting.uid}{UID_SUFFIX}"


def clean_parameter(text: str) -> str:
    """*text* fit for a parameter value such as CN: no quotes, line breaks or control bytes."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def organizer_address(email: str, name: str = "", sent_by: str | None = None) -> vCalAddress:
    """An ORGANIZER value: ``mailto:`` URI with a cleaned CN (and SENT-BY when given)."""
    address = vCalAddress(f"mailto:{email}")
    if clean_parameter(name):
        address.params["CN"] = clean_parameter(name)
    if sent_by:
        address.params["SENT-BY"] = f"mailto:{sent_by}"
    return address


def _zone_for(lang: str, zone: str | None, meeting) -> str:
    return zone or zone_of_language(lang) or meeting.timezone


def _video_lines(meeting, join_details: bool) -> list[str]:
    """The platform for everyone; join link, meeting ID and passcode only with *join_details*."""
    lines = []
    if meeting.platform:
        lines.append(_("Video platform: %(platform)s", platform=meeting.platform))
    if not join_details:
        return lines
    if meeting.join_url:
        lines.append(_("Join link: %(url)s", url=meeting.join_url))
    if meeting.meeting_code:
        lines.append(_("Meeting ID: %(code)s", code=meeting.meeting_code))
    if meeting.passcode:
        lines.append(_("Passcode: %(code)s", code=meeting.passcode))
    return lines


def _block(meeting, lang: str, zone: str, join_details: bool) -> str:
    """The description in one language; call under force_locale(lang)."""
    when = dual_clock(meeting.start_dt, zone, other_side_zone(zone), lang, end=meeting.end_dt)
    partners = "、" if lang == "zh" else ", "
    lines = [
        localized(meeting, "title", lang),
        _("Time: %(time)s", time=when),
        _("Kind: %(kind)s", kind=str(KIND_LABELS[meeting.kind])),
        _("Status: %(status)s", status=str(STATUS_LABELS[meeting.status])),
    ]
    if meeting.partners:
        names = partners.join(localized(p, "name", lang) for p in meeting.partners)
        lines.append(_("Partners: %(names)s", names=names))
    if meeting.status in REASON_STATUSES and meeting.status_reason:
        lines.append(_("Reason: %(reason)s", reason=meeting.status_reason))
    if localized(meeting, "location", lang):
        lines.append(_("Place: %(place)s", place=localized(meeting, "location", lang)))
    lines += _video_lines(meeting, join_details)
    agenda = localized(meeting, "agenda", lang)
    if agenda:
        lines += [_("Agenda:"), agenda]
    return "\n".join(lines)


def meeting_description(meeting, lang: str, zone: str | None = None, join_details=False) -> str:
    """The DESCRIPTION text: *lang* first, then the other side's language after a separator.

    Each block carries both clocks, its reader's side first; *zone* is the first reader's zone.
    Join link, meeting ID and passcode only with *join_details* (a participant's copy).
    """
    blocks = []
    for index, code in enumerate((lang, *_second_languages(lang))):
        with force_locale(code):
            own = _zone_for(code, zone if index == 0 else None, meeting)
            blocks.append(_block(meeting, code, own, join_details))
    return LANGUAGE_SEPARATOR.join(blocks)


def _second_languages(lang: str) -> tuple[str, ...]:
    """After Chinese the Korean block, after Korean the Chinese one, after English both."""
    return tuple(code for code in CATALOG_LANGUAGES if code != lang)


def _location(meeting, lang: str, join_details: bool) -> str:
    join_url = meeting.join_url if join_details else ""
    return localized(meeting, "location", lang) or join_url or meeting.platform


def ical_text(value: str) -> vText:
    """A TEXT value without control characters other than line feeds and tabs: a bare CR or
    NUL stored before the forms refused them would break the lines of the whole file."""
    return vText(without_controls(value, multiline=True))


def _add_text(event: Event, name: str, value: str, lang: str) -> None:
    event.add(name, ical_text(value), parameters={"LANGUAGE": LANGUAGE_TAGS[lang]})


def build_event(
    meeting,
    lang: str,
    *,
    zone: str | None = None,
    join_details: bool = False,
    organizer: vCalAddress | None = None,
    dtstamp: datetime | None = None,
    url: str | None = None,
    uid: str | None = None,
    sequence: int | None = None,
    status: str | None = None,
) -> Event:
    """One VEVENT for *meeting*, its texts in *lang* (zh, ko or en).

    DTSTART/DTEND carry the meeting's IANA TZID; DTSTAMP defaults to the last change
    (``updated_at``) so the bytes are stable; invites pass the send time instead. ORGANIZER
    defaults to the meeting's organizer. Attendees are the caller's to add. *uid*,
    *sequence* and *status* replace the meeting's own (a series' UID, a series' SEQUENCE).
    *join_details* (join link, meeting ID, passcode in DESCRIPTION; the join link as LOCATION
    when there is no place) only for a reader who takes part: never in a partner-wide or office
    feed, whose links end up in shared calendars. URL is the caller's choice.
    """
    tz = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", uid or event_uid(meeting))
    event.add("dtstamp", (dtstamp or meeting.updated_at).astimezone(UTC))
    event.add("sequence", meeting.sequence if sequence is None else sequence)
    event.add("dtstart", meeting.start_dt.astimezone(tz))
    event.add("dtend", meeting.end_dt.astimezone(tz))
    _add_text(event, "summary", localized(meeting, "title", lang), lang)
    description = meeting_description(meeting, lang, zone, join_details)
    _add_text(event, "description", description, lang)
    location = _location(meeting, lang, join_details)
    if location:
        _add_text(event, "location", location, lang)
    event.add("status", status or ICAL_STATUS[meeting.status])
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    if url and not first_control(url):  # a URI may hold no CR or LF: leave a broken one out
        event.add("url", url)
    event.add("organizer", organizer or _default_organizer(meeting, lang))
    return event


def _default_organizer(meeting, lang: str) -> vCalAddress:
    return organizer_address(meeting.organizer.email, user_name(meeting.organizer, lang))


def calendar_bytes(events: Iterable[Event], method: str | None = None, *, name: str = "") -> bytes:
    """A VCALENDAR holding *events*: UTF-8, CRLF, no BOM, a VTIMEZONE for every TZID used.

    *method* is PUBLISH, REQUEST or CANCEL (None for a feed snapshot). *name* becomes
    NAME and X-WR-CALNAME, escaped (icalendar writes X- properties verbatim otherwise).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if clean_parameter(name):
        cal.add("name", vText(clean_parameter(name)))
        cal.add("x-wr-calname", vText(clean_parameter(name)))
    for event in events:
        cal.add_component(event)
    # What add_missing_timezones(first_date=TIMEZONE_FIRST_DATE) does, with each VTIMEZONE
    # built once per process (icalendar walks every transition: ~40 ms a zone) and in a
    # fixed order (a set's order changes between processes; feeds need stable bytes).
    zones = [_vtimezone(tzid) for tzid in sorted(cal.get_missing_tzids())]
    cal.subcomponents[:0] = [zone for zone in zones if zone is not None]
    return cal.to_ical()


@lru_cache(maxsize=64)
def _vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE for *tzid* (None if unknown); shared, so never change the result."""
    try:
        return Timezone.from_tzid(tzid, first_date=TIMEZONE_FIRST_DATE)
    except ValueError:
        return None


# Invites (iTIP over e-mail): one recipient per calendar, ATTENDEE + ORGANIZER, METHOD set.


@dataclass(frozen=True)
class InviteParty:
    """What every VEVENT of one invite shares: reader's language and zone, people, send time."""

    lang: str
    zone: str
    organizer: vCalAddress
    attendee: vCalAddress
    dtstamp: datetime


def attendee_address(email: str, name: str = "") -> vCalAddress:
    """The invited person as ATTENDEE: one individual whose answer is asked for (RSVP=TRUE).

    vCalAddress raises ValueError for CR/LF in the address (a check that survives python -O).
    """
    address = vCalAddress(f"mailto:{email}")
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "NEEDS-ACTION"
    address.params["RSVP"] = "TRUE"
    if clean_parameter(name):
        address.params["CN"] = clean_parameter(name)
    return address


def series_uid(series) -> str:
    """The UID of a recurring series; its occurrences are (this UID, RECURRENCE-ID)."""
    return f"{series.uid}{UID_SUFFIX}"


def invite_event(meeting, party: InviteParty, method: str, *, uid=None, sequence=None) -> Event:
    """One VEVENT of an invite, join details included (it goes to a participant). A CANCEL carries
    STATUS:CANCELLED; a REQUEST the meeting's TENTATIVE or CONFIRMED. Never a VALARM."""
    event = build_event(
        meeting,
        party.lang,
        zone=party.zone,
        join_details=True,
        organizer=party.organizer,
        dtstamp=party.dtstamp,
        uid=uid,
        sequence=sequence,
        status="CANCELLED" if method == "CANCEL" else None,
    )
    event.add("attendee", party.attendee)
    return event


def _replace(event: Event, name: str, value) -> None:
    del event[name]
    event.add(name, value)


def series_master_event(
    series,
    template,
    party: InviteParty,
    method: str,
    *,
    sequence: int,
    exdates: list[datetime],
    last_start: datetime,
) -> Event:
    """The series' master VEVENT: the first original start, RRULE and EXDATE (cancelled
    dates, on the same TZID as DTSTART), the shared content taken from *template*."""
    tz = ZoneInfo(series.timezone)
    first = localize_strict(series.first_start_local(), series.timezone)
    event = invite_event(template, party, method, uid=series_uid(series), sequence=sequence)
    _replace(event, "dtstart", first.astimezone(tz))
    _replace(event, "dtend", (first + timedelta(minutes=series.duration_minutes)).astimezone(tz))
    event.add("rrule", ical_rrule(series.rule, last_start))
    if exdates:
        event.add("exdate", [moment.astimezone(tz) for moment in exdates])
    return event


def occurrence_event(series, meeting, party: InviteParty, method: str, *, sequence: int) -> Event:
    """One occurrence on its own: RECURRENCE-ID = its original start, written exactly like the
    master's DTSTART (same TZID, same form), so every client matches the two."""
    event = invite_event(meeting, party, method, uid=series_uid(series), sequence=sequence)
    event.add("recurrence-id", meeting.recurrence_start.astimezone(ZoneInfo(series.timezone)))
    return event
