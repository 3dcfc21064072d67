"""iCalendar bytes for meetings (pure: objects in, bytes out), built with icalendar 7.

`build_event()` makes one VEVENT in one reader's language; `calendar_bytes()` wraps events in a
VCALENDAR with one VTIMEZONE per TZID (`scheduler.invites.vtimezone`: yearly rules for zones
with daylight saving, one STANDARD block for the others). Invites (METHOD:REQUEST/CANCEL with
attendees) and feeds (no METHOD) use the same two functions; `invite_event()`,
`series_master_event()` and `occurrence_event()` add what an invite needs on top.
The checklist: ../shared/reference/ical-interop.md.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from scheduler.i18n import join_list, localized, user_name
from scheduler.invites.vtimezone import first_year_of, vtimezone
from scheduler.meetings.models import KIND_LABELS, STATUS_LABELS, MeetingStatus
from scheduler.meetings.rooms.services import meeting_place
from scheduler.meetings.series.recurrence import ical_rrule
from scheduler.sides import CATALOG_LANGUAGES, LANGUAGE_TAGS, other_side_zone, zone_of_language
from scheduler.text import first_control, without_controls
from scheduler.timefmt import dual_clock

PRODID = "-//China-ROK Changchun exchange scheduler//Meetings 1.0//EN"
# Never change this suffix: clients key events on UID (a changed UID duplicates every meeting).
UID_SUFFIX = "@cnkr-exchange-scheduler"
OUTLOOK_BUSY_STATUS = {"TENTATIVE": "TENTATIVE", "CONFIRMED": "BUSY", "CANCELLED": "FREE"}
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


def _block(meeting, lang: str, zone: str, join_details: bool, partner_side: bool) -> str:
    """The description in one language; call under force_locale(lang)."""
    place = meeting_place(meeting, lang, partner_side=partner_side)
    when = dual_clock(meeting.start_dt, zone, other_side_zone(zone), lang, end=meeting.end_dt)
    lines = [
        localized(meeting, "title", lang, partner_side=partner_side),
        _("Time: %(time)s", time=when),
        _("Kind: %(kind)s", kind=str(KIND_LABELS[meeting.kind])),
        _("Status: %(status)s", status=str(STATUS_LABELS[meeting.status])),
    ]
    if meeting.partners:
        names = join_list((localized(p, "name", lang) for p in meeting.partners), lang)
        lines.append(_("Partners: %(names)s", names=names))
    if meeting.status in REASON_STATUSES and meeting.status_reason:
        lines.append(_("Reason: %(reason)s", reason=meeting.status_reason))
    if place:
        lines.append(_("Place: %(place)s", place=place))
    lines += _video_lines(meeting, join_details)
    agenda = localized(meeting, "agenda", lang, partner_side=partner_side)
    if agenda:
        lines += [_("Agenda:"), agenda]
    return "\n".join(lines)


def meeting_description(
    meeting, lang: str, zone: str | None = None, join_details=False, partner_side=False
) -> str:
    """The DESCRIPTION text: *lang* first, then the other side's language after a separator.

    Each block carries both clocks, its reader's side first; *zone* is the first reader's zone.
    Join link, meeting ID and passcode only with *join_details* (a participant's copy); texts
    missing in English fall back to Korean first for a partner's reader (*partner_side*).
    """
    blocks = []
    for index, code in enumerate((lang, *_second_languages(lang))):
        with force_locale(code):
            own = _zone_for(code, zone if index == 0 else None, meeting)
            blocks.append(_block(meeting, code, own, join_details, partner_side))
    return LANGUAGE_SEPARATOR.join(blocks)


def _second_languages(lang: str) -> tuple[str, ...]:
    """After Chinese the Korean block, after Korean the Chinese one, after English both."""
    return tuple(code for code in CATALOG_LANGUAGES if code != lang)


def _location(meeting, lang: str, join_details: bool, partner_side: bool) -> str:
    join_url = meeting.join_url if join_details else ""
    return meeting_place(meeting, lang, partner_side=partner_side) or join_url or meeting.platform


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
    partner_side: bool = False,
) -> Event:
    """One VEVENT for *meeting*, its texts in *lang* (zh, ko or en; a text missing in English
    falls back to Korean first for a partner's reader, *partner_side*).

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
    summary = localized(meeting, "title", lang, partner_side=partner_side)
    _add_text(event, "summary", summary, lang)
    description = meeting_description(meeting, lang, zone, join_details, partner_side)
    _add_text(event, "description", description, lang)
    location = _location(meeting, lang, join_details, partner_side)
    if location:
        _add_text(event, "location", location, lang)
    set_status(event, status or ICAL_STATUS[meeting.status])
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    if url and not first_control(url):  # a URI may hold no CR or LF: leave a broken one out
        event.add("url", url)
    event.add("organizer", organizer or _default_organizer(meeting, lang))
    return event


def set_status(event: Event, status: str) -> None:
    """STATUS (TENTATIVE, CONFIRMED or CANCELLED), and how the time shows in a diary: Outlook
    ignores STATUS and shows a tentative meeting as Busy unless its own properties say so."""
    busy = OUTLOOK_BUSY_STATUS[status]
    for name, value in (
        ("status", status),
        ("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE"),
        ("x-microsoft-cdo-busystatus", busy),
        ("x-microsoft-cdo-intendedstatus", busy),
    ):
        _replace(event, name, value)


def _default_organizer(meeting, lang: str) -> vCalAddress:
    return organizer_address(meeting.organizer.email, user_name(meeting.organizer, lang))


def calendar_head(
    method: str | None = None, name: str = "", about: str = "", refresh: timedelta | None = None
) -> Calendar:
    """An empty VCALENDAR with the properties every calendar we write starts with.

    *method* is PUBLISH, REQUEST or CANCEL (None for a feed). *name* becomes NAME and
    X-WR-CALNAME, *about* X-WR-CALDESC, escaped (icalendar writes X- properties verbatim
    otherwise); *refresh* how often a subscriber should fetch the calendar again.
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
    if about:
        cal.add("x-wr-caldesc", ical_text(about))
    if refresh:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh).to_ical().decode())
    return cal


def calendar_bytes(events: Iterable[Event], method: str | None = None, *, name: str = "") -> bytes:
    """A VCALENDAR holding *events*: UTF-8, CRLF, no BOM, a VTIMEZONE for every TZID used;
    *method* and *name* as in `calendar_head`."""
    cal = calendar_head(method, name)
    for event in events:
        cal.add_component(event)
    # In a fixed order (a set's order changes between processes; feeds need stable bytes),
    # valid from the year of the earliest start (a series master's is its first occurrence).
    first_year = first_year_of(event.decoded("dtstart") for event in cal.walk("VEVENT"))
    zones = [vtimezone(tzid, first_year) for tzid in sorted(cal.get_missing_tzids())]
    cal.subcomponents[:0] = [zone for zone in zones if zone is not None]
    return cal.to_ical()


# Invites (iTIP over e-mail): one recipient per calendar, ATTENDEE + ORGANIZER, METHOD set.


@dataclass(frozen=True)
class InviteParty:
    """What every VEVENT of one invite shares: reader's language and zone, people, send time."""

    lang: str
    zone: str
    organizer: vCalAddress
    attendee: vCalAddress
    dtstamp: datetime
    partner_side: bool = False  # a partner's contact: English falls back to Korean first


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


def invite_event(meeting, party: InviteParty, method: str) -> Event:
    """One VEVENT of an invite, join details included (it goes to a participant). A CANCEL carries
    STATUS:CANCELLED; a REQUEST the meeting's TENTATIVE or CONFIRMED. Never a VALARM."""
    event = build_event(
        meeting,
        party.lang,
        zone=party.zone,
        join_details=True,
        organizer=party.organizer,
        dtstamp=party.dtstamp,
        status="CANCELLED" if method == "CANCEL" else None,
        partner_side=party.partner_side,
    )
    event.add("attendee", party.attendee)
    return event


def _replace(event: Event, name: str, value) -> None:
    event.pop(name, None)
    event.add(name, value)


@dataclass(frozen=True)
class SeriesLayout:
    """How a series reaches every calendar (invites, feeds alike): the master's content, its
    exceptions, its EXDATEs and the one SEQUENCE all of them carry."""

    series: object
    template: object  # the occurrence whose content the master shows
    overrides: tuple  # occurrences that differ from the master (RECURRENCE-ID events)
    exdates: tuple  # original starts of cancelled occurrences
    live: tuple  # occurrences not cancelled
    first_start: datetime  # the first original start (the master's DTSTART)
    last_start: datetime  # the last original start (for UNTIL)
    sequence: int  # the highest of the series' and its occurrences' sequences


def series_layout(series) -> SeriesLayout:
    """The master, exceptions and cancelled dates of *series* as they stand now.

    An occurrence is an override when it was edited alone, moved, lasts differently or has
    another status than the master's template; every event of the series carries the same
    SEQUENCE, the highest of all (so an override is never older than its master).
    """
    rows = sorted(series.meetings, key=lambda m: m.recurrence_start)
    live = tuple(m for m in rows if m.status != MeetingStatus.CANCELLED)
    template = series.template()
    duration = timedelta(minutes=series.duration_minutes)

    def differs(row) -> bool:
        moved = row.start_dt != row.recurrence_start or row.end_dt - row.start_dt != duration
        return row.is_exception or moved or row.status != template.status

    return SeriesLayout(
        series=series,
        template=template,
        overrides=tuple(m for m in live if m is not template and differs(m)),
        exdates=tuple(m.recurrence_start for m in rows if m.status == MeetingStatus.CANCELLED),
        live=live,
        first_start=rows[0].recurrence_start,
        last_start=rows[-1].recurrence_start,
        sequence=max([series.sequence, *(m.sequence for m in rows)]),
    )


def series_master_event(layout: SeriesLayout, event_for, exdates=None) -> Event:
    """The series' master VEVENT: the series' UID, first original start, RRULE and EXDATE
    (*exdates*, by default the cancelled dates; on the same TZID as DTSTART), the content of
    ``event_for(template)``, *event_for* making one reader's VEVENT of a meeting."""
    series = layout.series
    tz = ZoneInfo(series.timezone)
    first = layout.first_start.astimezone(tz)
    event = event_for(layout.template)
    _replace(event, "uid", series_uid(series))
    _replace(event, "sequence", layout.sequence)
    _replace(event, "dtstart", first)
    _replace(event, "dtend", first + timedelta(minutes=series.duration_minutes))
    event.add("rrule", ical_rrule(series.rule, layout.last_start))
    exdates = layout.exdates if exdates is None else exdates
    if exdates:
        event.add("exdate", [moment.astimezone(tz) for moment in sorted(exdates)])
    return event


def occurrence_event(layout: SeriesLayout, meeting, event_for) -> Event:
    """One occurrence on its own: RECURRENCE-ID = its original start, written exactly like the
    master's DTSTART (same TZID, same form), so every client matches the two."""
    series = layout.series
    event = event_for(meeting)
    _replace(event, "uid", series_uid(series))
    _replace(event, "sequence", layout.sequence)
    event.add("recurrence-id", meeting.recurrence_start.astimezone(ZoneInfo(series.timezone)))
    return event


def series_events(layout: SeriesLayout, event_for, absent=()) -> list[Event]:
    """The whole series for one reader: the master and an override for each occurrence that
    differs; the occurrences in *absent* (dates the reader takes no part in) are EXDATEs."""
    exdates = [*layout.exdates, *(row.recurrence_start for row in absent)]
    master = series_master_event(layout, event_for, exdates)
    overrides = [row for row in layout.overrides if row not in absent]
    return [master, *(occurrence_event(layout, row, event_for) for row in overrides)]
