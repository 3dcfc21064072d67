"""Feed bytes: the VEVENT blocks and the VCALENDAR head (no METHOD) they are joined under.

Built on `scheduler.invites.ical.build_event` (one VEVENT, same UID/SUMMARY/DESCRIPTION rules
as the invites); ical.py's `calendar_bytes` serializes a whole Calendar object, about 20 times
slower than joining pre-rendered blocks, and has no X-WR-CALDESC / REFRESH-INTERVAL, so the
calendar head and VTIMEZONEs are assembled here from icalendar output.
Recurring series are published like the invites publish them (`scheduler.invites.ical`:
`series_uid`, and the occurrence's original start as RECURRENCE-ID): one master VEVENT with
the series UID, RRULE and EXDATE (cancelled occurrences), plus a RECURRENCE-ID override for
every occurrence that differs from the master.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy.orm import joinedload, selectinload

from scheduler.extensions import db
from scheduler.feeds.cache.content import PARTICIPANT_SCOPES, SeriesVersion, Snapshot
from scheduler.feeds.models import Feed
from scheduler.i18n import localized, person_name, user_name
from scheduler.invites.ical import PRODID, TIMEZONE_FIRST_DATE, build_event, event_uid, ical_text
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import ical_rrule
from scheduler.meetings.series.services import exdates

# The calendar's brand name in each language (the "中韩交流 · 首尔特别市").
BRAND = {"zh": "中韩交流", "ko": "한중 교류", "en": "China–ROK exchange"}
REFRESH = timedelta(hours=1)
_LOADERS = (selectinload(Meeting.partners), joinedload(Meeting.organizer))
# PostgreSQL joins a meeting's partners in the same statement; SQLite would materialize the
# nested join of the link table over the whole table, so it gets a second, indexed query.
_SINGLE_LOADERS = {"postgresql": (joinedload(Meeting.partners), joinedload(Meeting.organizer))}


class Variant:
    """How one feed renders events: language, reader's zone, and whether the reader takes part.

    Only a participant's feed (`PARTICIPANT_SCOPES`) gets the join details: join link (also
    as URL), meeting ID and passcode; partner-wide and office feeds never do. The key names
    all three, so blocks cached for one variant are never served to another.
    """

    def __init__(self, feed: Feed, lang: str, zone: str):
        self.lang, self.zone = lang, zone
        self.private = feed.scope in PARTICIPANT_SCOPES
        self.key = f"{lang}:{zone}:{int(self.private)}"

    def event(self, meeting: Meeting) -> Event:
        """The meeting's VEVENT as this variant shows it."""
        private = self.private
        url = meeting.join_url if private and meeting.join_url else None
        return build_event(meeting, self.lang, zone=self.zone, join_details=private, url=url)


def _text(event: Event) -> str:
    return event.to_ical().decode("utf-8")


def _replace(event: Event, name: str, value, **parameters) -> None:
    event.pop(name, None)
    event.add(name, value, parameters=parameters or None)


def _single_block(meeting: Meeting, variant: Variant) -> str:
    return _text(variant.event(meeting))


def _master(series: MeetingSeries, rows: list[Meeting], variant: Variant) -> tuple[Event, Meeting]:
    """The series' VEVENT: its UID, first start, RRULE and EXDATEs, texts of the first row."""
    live = [m for m in rows if m.status != MeetingStatus.CANCELLED]
    template = next((m for m in live if not m.is_exception), (live or rows)[0])
    zone = ZoneInfo(series.timezone)
    event = variant.event(template)
    first = rows[0].recurrence_start.astimezone(zone)
    duration = timedelta(minutes=series.duration_minutes)
    _replace(event, "uid", event_uid(series))
    _replace(event, "dtstart", first)
    _replace(event, "dtend", first + duration)
    _replace(event, "sequence", max(series.sequence, template.sequence))
    newest = max(series.updated_at, template.updated_at).astimezone(UTC)
    _replace(event, "dtstamp", newest)
    _replace(event, "last-modified", newest)
    event.add("rrule", ical_rrule(series.rule, rows[-1].recurrence_start))
    cancelled = exdates(series)
    if cancelled:
        event.add("exdate", [start.astimezone(zone) for start in cancelled])
    if not live:
        _replace(event, "status", "CANCELLED")
    return event, template


def _differs(row: Meeting, template: Meeting, duration: timedelta) -> bool:
    moved = row.start_dt != row.recurrence_start or row.end_dt - row.start_dt != duration
    return row.is_exception or moved or row.status != template.status


def _override(series: MeetingSeries, row: Meeting, variant: Variant) -> Event:
    event = variant.event(row)
    _replace(event, "uid", event_uid(series))
    event.add("recurrence-id", row.recurrence_start.astimezone(ZoneInfo(series.timezone)))
    return event


def _series_block(series: MeetingSeries, variant: Variant) -> str:
    rows = sorted(series.meetings, key=lambda m: m.recurrence_start)
    master, template = _master(series, rows, variant)
    duration = timedelta(minutes=series.duration_minutes)
    overrides = [
        _override(series, row, variant)
        for row in rows
        if row.status != MeetingStatus.CANCELLED and _differs(row, template, duration)
    ]
    return "".join(_text(event) for event in (master, *overrides))


def block_versions(snap: Snapshot, variant: Variant) -> dict[str, tuple[str, object, object]]:
    """cache key → (version, row or series version, start) for every event block of the feed."""
    wanted = {}
    suffix, context = f":{variant.key}", snap.context_version
    for row in snap.rows:
        version = f"{row.updated_at}|{row.sequence}|{context}"
        wanted[f"m{row.id}{suffix}"] = (version, row, row.start_dt)
    for series in snap.series:
        changed = (series.updated_at.isoformat(), series.sequence, series.newest_row.isoformat())
        version = "|".join(map(str, (*changed, series.row_count, snap.context_version)))
        wanted[f"s{series.id}{suffix}"] = (version, series, series.first_start)
    return wanted


def _load(model, ids: list[int], options, unique: bool = False) -> dict:
    """id → row of *model* for *ids*, loaded with *options* (no query when there are none);
    *unique* for joined-eager collections."""
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(*options))
    return {row.id: row for row in (rows.unique() if unique else rows)}


def render_blocks(missing: dict, variant: Variant) -> dict[str, str]:
    """Render the blocks the caches lack (key → (version, row or series, start)), loading
    only those meetings and series."""
    if not missing:
        return {}
    meeting_ids = [item.id for _v, item, _start in missing.values() if not is_series(item)]
    series_ids = [item.id for _v, item, _start in missing.values() if is_series(item)]
    loaders = _SINGLE_LOADERS.get(db.session.get_bind().dialect.name, _LOADERS)
    meetings = _load(Meeting, meeting_ids, loaders, unique=True)
    series_loader = selectinload(MeetingSeries.meetings).options(*_LOADERS)
    all_series = _load(MeetingSeries, series_ids, [series_loader])
    rendered = {}
    for key, (_version, item, _start) in missing.items():
        if is_series(item):
            rendered[key] = _series_block(all_series[item.id], variant)
        else:
            rendered[key] = _single_block(meetings[item.id], variant)
    return rendered


def is_series(item) -> bool:
    """True for a series' version (one block for the whole series), False for a meeting row."""
    return isinstance(item, SeriesVersion)


def ordered_keys(snap: Snapshot, wanted: dict) -> list[str]:
    """Earliest first: the rows come sorted by start (and id); series go by their first start."""
    if not snap.series:
        return list(wanted)
    return sorted(wanted, key=lambda key: (wanted[key][2], key))


@lru_cache(maxsize=64)
def vtimezone_block(tzid: str) -> str:
    """The VTIMEZONE for *tzid* with a single STANDARD block for CN/KR (first date 1992)."""
    cal = Calendar()
    event = Event()
    event.add("dtstart", datetime(2030, 1, 1, tzinfo=ZoneInfo(tzid)))
    cal.add_component(event)
    cal.add_missing_timezones(first_date=TIMEZONE_FIRST_DATE)
    return "".join(_text(component) for component in cal.walk("VTIMEZONE"))


def calendar_title(feed: Feed, lang: str) -> tuple[str, str]:
    """(X-WR-CALNAME, X-WR-CALDESC) in *lang*."""
    with force_locale(lang):
        if feed.scope == "partner":
            owner = localized(feed.partner, "name", lang)
            about = _(
                "Meetings with %(name)s, published by the Changchun foreign affairs office.",
                name=owner,
            )
        elif feed.scope in ("contact", "user"):
            person = feed.contact or feed.user
            owner = person_name(person, lang) if feed.contact else user_name(person, lang)
            about = _(
                "Meetings %(name)s takes part in, published by the Changchun foreign "
                "affairs office.",
                name=owner,
            )
        else:
            owner = _("Whole office")
            about = _("Every meeting of the Changchun foreign affairs office.")
    return f"{BRAND[lang]} · {owner}", about


def calendar_head(feed: Feed, lang: str) -> str:
    """The VCALENDAR's properties before its first component: title, refresh interval."""
    name, about = calendar_title(feed, lang)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", ical_text(name))
    cal.add("x-wr-calname", ical_text(name))
    cal.add("x-wr-caldesc", ical_text(about))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal.to_ical().decode("utf-8").removesuffix("END:VCALENDAR\r\n")
