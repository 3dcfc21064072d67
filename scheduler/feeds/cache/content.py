"""What a feed holds: its meetings (scope, window, cancelled-for-14-days) and their versions.

Everything here reads light columns only, so an unchanged feed is recognised (and served from
the cache, or answered 304) without loading or rendering a single meeting.
"""

import hashlib
import pickle
from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.feeds.cache import invalidation, memory
from scheduler.feeds.cache.memory import KnownRows
from scheduler.feeds.models import Feed
from scheduler.meetings.models import Meeting, MeetingStatus, Participant, Room
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.meetings.series.models import MeetingSeries
from scheduler.partners.models import Partner
from scheduler.partners.services import lineage_ids_query

# Bump when the rendering changes, so every cached block and body is rebuilt.
# feed-2: partner-wide and office feeds lost the join link and meeting ID (blocks cached
# before must not be served again).
RENDER_VERSION = "feed-3"
# Drafts are the office's own working state: only staff-facing feeds show them.
STAFF_SCOPES = ("user", "office")
# Feeds of one person (a contact, a staff user): only these carry join link, ID and passcode.
PARTICIPANT_SCOPES = ("contact", "user")


def _as_text(expression):
    """A UTC timestamp as the database writes it in ISO text (SQLite stores it so; PostgreSQL
    trims trailing zeros of the fraction): compares like the instant, and cheap to hash and
    format, where 1,000 datetime objects per request cost milliseconds."""
    return sa.cast(expression, sa.String)


def _raw(column):
    return _as_text(column).label(column.key)


# One feed row (end_dt and status say when the row leaves the feed with time alone).
ROW_COLUMNS = (
    Meeting.id,
    _raw(Meeting.updated_at),
    Meeting.sequence,
    _raw(Meeting.start_dt),
    Meeting.timezone,
    Meeting.series_id,
    _raw(Meeting.end_dt),
    Meeting.status,
)
FeedRow = namedtuple("FeedRow", [column.key for column in ROW_COLUMNS])  # fast to read


def as_utc(raw) -> datetime:
    """A raw column value (ISO text or naive datetime, UTC) as an aware UTC datetime."""
    moment = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    return moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SeriesVersion:
    """A series in the feed: its own version and the newest change among all its rows."""

    id: int
    updated_at: datetime
    sequence: int
    timezone: str
    newest_row: datetime
    row_count: int
    first_start: str | datetime | None  # raw as the driver gives it: compared with raw rows

    @property
    def newest(self) -> datetime:
        return max(self.updated_at, self.newest_row)


@dataclass(frozen=True)
class Snapshot:
    """The feed's contents at one moment: rows outside series, series, and their fingerprint."""

    rows: list
    series: list[SeriesVersion]
    context_version: str  # part of every event block's version
    fingerprint: str
    newest_change: datetime | None
    valid_until: datetime | None = None  # when time alone changes the contents (None: never)


RULE_SETTINGS = (("FEED_DAYS_BACK", 90), ("FEED_MONTHS_AHEAD", 18), ("FEED_CANCELLED_DAYS", 14))


def _rules() -> tuple[timedelta, relativedelta, timedelta]:
    """(days back, months ahead, days a cancellation stays) from the settings."""
    back, ahead, cancelled = (int(current_app.config.get(*rule)) for rule in RULE_SETTINGS)
    return timedelta(days=back), relativedelta(months=ahead), timedelta(days=cancelled)


def rules_key() -> str:
    """Names the rendering and the rules: a cached body made under other ones is rebuilt."""
    config = current_app.config
    rules = (config.get(name, default) for name, default in RULE_SETTINGS)
    return ":".join([RENDER_VERSION, *map(str, rules)])


def window(now: datetime) -> tuple[datetime, datetime]:
    """(start, end) of the default feed window: FEED_DAYS_BACK back, FEED_MONTHS_AHEAD ahead."""
    back, ahead, _cancelled = _rules()
    return now - back, now + ahead


def _scope_filter(feed: Feed):
    if feed.scope == "partner":
        return Meeting.id.in_(meeting_ids_with_partners(lineage_ids_query(feed.partner_id)))
    if feed.scope == "contact":
        return Meeting.id.in_(
            sa.select(Participant.meeting_id).where(Participant.contact_id == feed.contact_id)
        )
    if feed.scope == "user":
        takes_part = sa.select(Participant.meeting_id).where(Participant.user_id == feed.user_id)
        return sa.or_(Meeting.organizer_id == feed.user_id, Meeting.id.in_(takes_part))
    return sa.true()


def _status_filter(feed: Feed, now: datetime):
    # An occurrence cut from its series is gone with the master's UNTIL or EXDATE already.
    recently_cancelled = sa.and_(
        Meeting.status == MeetingStatus.CANCELLED,
        Meeting.updated_at >= now - _rules()[2],
        Meeting.detached_from_series.is_(False),
    )
    shown = (
        MeetingStatus.TENTATIVE,
        MeetingStatus.CONFIRMED,
        MeetingStatus.HELD,
        MeetingStatus.POSTPONED,
    )
    if feed.scope in STAFF_SCOPES:
        shown += (MeetingStatus.DRAFT,)
    return sa.or_(Meeting.status.in_(shown), recently_cancelled)


def _version_columns(feed: Feed, scope, status, window_end: datetime) -> list:
    """(partners' and rooms' newest change, the owner's version, the first start after the
    window) as scalar subqueries: every event block names partners (and rooms), the calendar
    title names the owner, and the next meeting says when time alone changes the feed."""
    # Rooms count with partners: an event without a typed place is located by its room.
    named = sa.union_all(sa.select(Partner.updated_at), sa.select(Room.updated_at)).subquery()
    partners = sa.select(_as_text(sa.func.max(named.c.updated_at)))
    owner = {"contact": Contact, "partner": Partner}.get(feed.scope)
    owner_id = feed.contact_id if feed.scope == "contact" else feed.partner_id
    owner_version = None
    if owner is not None:
        owner_version = sa.select(_as_text(owner.updated_at)).where(owner.id == owner_id)
    # ORDER BY … LIMIT 1 (not min()): both databases then walk the start_dt index from the
    # window's end, where few meetings lie, instead of every meeting in scope.
    later = (
        sa.select(_as_text(Meeting.start_dt))
        .where(Meeting.start_dt >= window_end, scope, status)
        .order_by(Meeting.start_dt)
        .limit(1)
    )
    # correlate(None): each is a query of its own, also beside the rows of a meetings query.
    return [
        sa.null() if q is None else q.correlate(None).scalar_subquery()
        for q in (partners, owner_version, later)
    ]


def _versions(*for_versions) -> tuple:
    """`_version_columns` read in one statement."""
    columns = _version_columns(*for_versions)
    return tuple(db.session.connection().execute(sa.select(*columns)).one())


def _rows_query(feed: Feed, now: datetime, *more) -> tuple[sa.Select, tuple]:
    """The feed's rows in its window, earliest first (narrowed by *more*), and the scope,
    status and window end that `_versions` needs."""
    start, end = window(now)
    scope, status = _scope_filter(feed), _status_filter(feed, now)
    query = (
        sa.select(*ROW_COLUMNS)
        .where(Meeting.end_dt > start, Meeting.start_dt < end, scope, status, *more)
        .order_by(Meeting.start_dt, Meeting.id)
    )
    return query, (feed, scope, status, end)


def _read_rows(query: sa.Select) -> list:
    # Plain tuples, no ORM work per row: this runs for every feed after every change.
    return list(map(FeedRow._make, db.session.connection().execute(query).fetchall()))


def feed_rows(feed: Feed, now: datetime) -> tuple[list, tuple]:
    """The meetings of *feed* that overlap its window, earliest first, and `_versions`."""
    query, for_versions = _rows_query(feed, now)
    return _read_rows(query), _versions(*for_versions)


# As the query sorts (start_dt is ISO text here, which sorts like the instant).
_ROW_ORDER = attrgetter("start_dt", "id")


def _still_usable(known: KnownRows | None, now: datetime, generation) -> bool:
    """True when rows read at *known*'s generation can be brought up to *generation* from
    the change log: same rules, not pruned from the log, and time alone changed nothing."""
    if known is None or generation is None or known.rules != rules_key():
        return False
    if not 0 <= generation - known.generation <= invalidation.KEEP_GENERATIONS:
        return False
    return known.valid_until is None or now < known.valid_until


def current_rows(feed: Feed, now: datetime, generation) -> tuple[list, tuple, str]:
    """(rows, `_versions`, staff names version) of *feed* now.

    When this process read the feed's rows at an earlier generation (and time alone has
    changed nothing since), only the meetings logged as changed after it are read again;
    otherwise, or when the log says anything may have changed, everything is.
    """
    known = memory.rows.get(feed.id)
    usable = _still_usable(known, now, generation)
    connection = db.session.connection()
    changed = (
        invalidation.changes_since(connection, known.generation, generation) if usable else None
    )
    if changed is None:
        rows, versions = feed_rows(feed, now)
        return rows, versions, staff_names_version()
    query, for_versions = _rows_query(feed, now, Meeting.id.in_(changed))
    # The few changed rows carry the versions along: one statement for both.
    found = connection.execute(query.add_columns(*_version_columns(*for_versions))).fetchall()
    width = len(ROW_COLUMNS)
    versions = tuple(found[0][width:]) if found else _versions(*for_versions)
    kept = [row for row in known.rows if row.id not in changed]
    rows = sorted(kept + [FeedRow._make(row[:width]) for row in found], key=_ROW_ORDER)
    return rows, versions, known.staff_names


def _entering_at(start: datetime, ahead: relativedelta) -> datetime:
    """The last whole second before a meeting starting at *start* enters the window.

    ``now + ahead`` clamps month ends, so ``start - ahead`` is only a first guess (at most a
    few days early): the exact moment is searched to the second, rounded down (early is safe).
    """
    low, high = 0, 4 * 24 * 3600  # seconds after start - ahead; high is surely inside
    first = start - ahead
    while low < high:
        middle = (low + high) // 2
        if first + timedelta(seconds=middle) + ahead > start:
            high = middle
        else:
            low = middle + 1
    return first + timedelta(seconds=low - 1)


def valid_until(rows: list, upcoming) -> datetime | None:
    """The first moment at which time alone can change a feed's *rows*: a row ends more than
    FEED_DAYS_BACK ago, a cancellation ages out, or the next meeting (starting at *upcoming*)
    enters the window."""
    back, ahead, cancelled_days = _rules()
    moments = [as_utc(min(row.end_dt for row in rows)) + back] if rows else []
    cancelled = [row.updated_at for row in rows if row.status == MeetingStatus.CANCELLED]
    if cancelled:
        moments.append(as_utc(min(cancelled)) + cancelled_days)
    if upcoming is not None:
        moments.append(_entering_at(as_utc(upcoming), ahead))
    return min(moments, default=None)


def series_versions(series_ids: set[int]) -> list[SeriesVersion]:
    """Versions of the series in a feed, over ALL their rows (an EXDATE or a moved occurrence
    outside the window still changes the series' VEVENTs)."""
    if not series_ids:
        return []
    newest, first = sa.func.max(Meeting.updated_at), sa.func.min(Meeting.recurrence_start)
    rows = (
        sa.select(Meeting.series_id, newest, sa.func.count(), _as_text(first))
        .where(Meeting.series_id.in_(series_ids))
        .group_by(Meeting.series_id)
    )
    aggregates = {sid: rest for sid, *rest in db.session.execute(rows)}
    series = MeetingSeries
    own = sa.select(series.id, series.updated_at, series.sequence, series.timezone).where(
        series.id.in_(series_ids)
    )
    return [
        SeriesVersion(sid, updated, sequence, zone, *aggregates[sid])
        for sid, updated, sequence, zone in db.session.execute(own.order_by(MeetingSeries.id))
    ]


def staff_names_version() -> str:
    """A digest of every staff user's e-mail and names: events name their organizer, a staff
    feed's title its owner (a few dozen rows; sign-ins and settings stay out of it)."""
    names = sa.select(User.id, User.email, User.name_zh, User.name_ko).order_by(User.id)
    return _digest((), db.session.connection().execute(names).all())[:16]


def _digest(parts, rows: list) -> str:
    # pickle is deterministic for these plain values and twice as fast as repr here.
    rows_bytes = pickle.dumps([tuple(row) for row in rows], protocol=4)
    return hashlib.sha256(repr(parts).encode() + rows_bytes).hexdigest()


def snapshot(feed: Feed, lang: str, now: datetime, generation=None) -> Snapshot:
    """The feed's contents and fingerprint in *lang* at change *generation* (read before any
    of the data; None: unknown): light queries, no rendering.

    Event blocks are shared by every feed with the same language, zone and variant, so the
    owner's version is part of the fingerprint but not of the blocks' version (else two feeds
    sharing meetings would overwrite each other's blocks).
    """
    rows, (partners_version, owner_version, upcoming), staff = current_rows(feed, now, generation)
    singles = [row for row in rows if row.series_id is None]
    series = series_versions({row.series_id for row in rows if row.series_id is not None})
    context = f"{RENDER_VERSION}|{partners_version}|{staff}"
    fingerprint = _digest([lang, feed.scope, context, str(owner_version), series], singles)
    changes = [s.newest for s in series]
    if singles:
        changes.append(as_utc(max(row.updated_at for row in singles)))
    newest = max(changes, default=None)
    until = valid_until(rows, upcoming)
    if generation is not None:
        memory.rows.put(feed.id, KnownRows(generation, rules_key(), until, rows, staff))
    return Snapshot(singles, series, context, fingerprint, newest, until)
