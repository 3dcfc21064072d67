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

from datetime import UTC, timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event
from sqlalchemy.orm import joinedload, selectinload

from scheduler.extensions import db
from scheduler.feeds.cache.content import PARTICIPANT_SCOPES, SeriesVersion, Snapshot
from scheduler.feeds.models import Feed
from scheduler.i18n import localized, person_name, user_name
from scheduler.invites.ical import build_event, series_events, series_layout
from scheduler.invites.ical import calendar_head as ical_calendar_head
from scheduler.invites.vtimezone import vtimezone
from scheduler.meetings.models import Meeting
from scheduler.meetings.series.models import MeetingSeries
from scheduler.office import office_name

# The calendar's brand name in each language (the "中韩交流 · 首尔特别市").
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


def _series_block(series: MeetingSeries, variant: Variant) -> str:
    """The series as the invites publish it (`scheduler.invites.ical.series_events`); DTSTAMP
    and LAST-MODIFIED of the master are its last change, so the bytes stay stable."""
    layout = series_layout(series)
    master, *overrides = series_events(layout, variant.event)
    newest = max(series.updated_at, layout.template.updated_at).astimezone(UTC)
    _replace(master, "dtstamp", newest)
    _replace(master, "last-modified", newest)
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
def vtimezone_block(tzid: str, first_year: int) -> str:
    """The VTIMEZONE for *tzid* from *first_year* on, as text ("" for an unknown zone)."""
    component = vtimezone(tzid, first_year)
    return _text(component) if component is not None else ""


def calendar_title(feed: Feed, lang: str) -> tuple[str, str]:
    """(X-WR-CALNAME, X-WR-CALDESC) in *lang*, named after the office (settings)."""
    office = office_name(lang)
    with force_locale(lang):
        if feed.scope == "partner":
            owner = localized(feed.partner, "name", lang)
            about = _(
                "Meetings with %(name)s, published by the %(office)s.", name=owner, office=office
            )
        elif feed.scope in ("contact", "user"):
            person = feed.contact or feed.user
            owner = person_name(person, lang) if feed.contact else user_name(person, lang)
            about = _(
                "Meetings %(name)s takes part in, published by the %(office)s.",
                name=owner,
                office=office,
            )
        else:
            # NOTE: calendar feed covering all the office's meetings
            owner = _("Whole office")
            about = _("Every meeting of the %(office)s.", office=office)
    return f"{office_name(lang, short=True)} · {owner}", about


def calendar_head(feed: Feed, lang: str) -> str:
    """The VCALENDAR's properties before its first component: title, refresh interval."""
    name, about = calendar_title(feed, lang)
    cal = ical_calendar_head(name=name, about=about, refresh=REFRESH)
    return cal.to_ical().decode("utf-8").removesuffix("END:VCALENDAR\r\n")
