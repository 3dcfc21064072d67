"""The home page after sign-in: this week, invites waiting for answers, failed mail, overdue
follow-ups and recent changes.

Each section is a fixed number of set-based queries (related rows loaded in bulk), so the
page costs the same number of SQL statements however many rows it shows.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import ClassVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, selectinload

from scheduler.audit.models import ACTION_NAMES, OTHER_ACTION_NAMES, AuditEntry
from scheduler.auth.models import EDITOR_ROLES, User
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.history import rows
from scheduler.history.changes.recent import (
    ChangeLine,
    Found,
    field_names,
    fields_text,
    group_changes,
)
from scheduler.history.follow_ups import services as follow_ups
from scheduler.history.follow_ups.models import FollowUp
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.i18n import current_language
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.meetings.models import Meeting, MeetingStatus, Participant
from scheduler.partners.models import Partner
from scheduler.sides import LANGUAGES
from scheduler.timefmt import today_in
from scheduler.visits.models import Visit

SHOWN_ROWS = 20
RECENT_CHANGES = 10
FAILED_SHOWN = 5
WAITING_STATUSES = (MeetingStatus.CONFIRMED, MeetingStatus.TENTATIVE)
# Changes worth seeing on the home page; the whole log (accounts, holidays…) is /audit/.
CHANGE_TYPES = {
    "meetings": _l("Meeting"),
    "follow_ups": _l("Follow-up action"),
    # NOTE: the results of a meeting (heading, dashboard, report)
    "meeting_outcomes": _l("Outcome"),
    "attachments": _l("Attachment"),
    "visits": _l("Visit"),
    "partners": _l("Partner"),
    "contacts": _l("Contact"),
}


@dataclass
class Dashboard:
    """What the home page shows to one user."""

    week_start: date
    week_meetings: list
    waiting: list  # [(meeting, [participants waiting])], soonest first
    waiting_count: int
    failed_mail: int | None  # None: the user may not see the outbox
    failed_messages: list  # the latest of them, with their reasons
    overdue: list
    overdue_count: int
    changes: list  # ChangeLine
    type_names: ClassVar[dict] = CHANGE_TYPES
    action_names: ClassVar[dict] = {**ACTION_NAMES, **OTHER_ACTION_NAMES}
    fields_text = staticmethod(fields_text)

    @property
    def week_end(self) -> date:
        """Sunday of the week shown."""
        return self.week_start + timedelta(days=6)

    @property
    def waiting_shown(self) -> int:
        """How many waiting people are listed (at most SHOWN_ROWS of waiting_count)."""
        return sum(len(people) for _meeting, people in self.waiting)


def week_of(zone: str, now: datetime) -> tuple[date, datetime, datetime]:
    """Monday of the week on the clock of *zone*, and the week as UTC instants [start, end)."""
    monday = today_in(zone, now)
    monday -= timedelta(days=monday.weekday())
    start = datetime.combine(monday, time(0), tzinfo=ZoneInfo(zone))
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=ZoneInfo(zone))
    return monday, start.astimezone(UTC), end.astimezone(UTC)


def week_meetings(start: datetime, end: datetime) -> list:
    """Meetings starting in [start, end) that are not cancelled, with their partners, as
    plain list rows (`history.rows`)."""
    query = (
        sa.select(Meeting)
        .where(
            Meeting.start_dt >= start,
            Meeting.start_dt < end,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.start_dt, Meeting.id)
    )
    return rows.meeting_rows(query, details=False)


def _waiting_people(user, now: datetime):
    """Invited people with no answer yet, on upcoming confirmed or tentative meetings.

    Contacts without an e-mail were never invited, so they are not waited for. Coordinators
    and admins see every meeting; others the meetings they organize or take part in.
    """
    has_email = sa.and_(Contact.email.is_not(None), Contact.email != "")
    invited = sa.or_(Participant.contact_id.is_(None), has_email)
    query = (
        sa.select(Participant)
        .join(Participant.meeting)
        .outerjoin(Participant.contact)
        .where(
            Participant.rsvp_status == "needs_action",
            invited,
            Meeting.status.in_(WAITING_STATUSES),
            Meeting.start_dt > now,
        )
    )
    if user.role not in EDITOR_ROLES:
        mine = Meeting.participants.any(Participant.user_id == user.id)
        query = query.where(sa.or_(Meeting.organizer_id == user.id, mine))
    return query


def first_rows_and_total(query: sa.Select, limit: int) -> tuple[list, int]:
    """The first *limit* entities of *query* and how many it selects in all, in one statement:
    the count is a window over the whole selection, taken before the limit."""
    rows = db.session.execute(query.add_columns(sa.func.count().over()).limit(limit)).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def waiting_for_answers(user, now: datetime) -> tuple[list, int]:
    """Up to SHOWN_ROWS waiting people grouped by meeting (soonest first), and the total:
    plain rows (`history.rows`), the total a window over the whole selection."""
    meeting_columns = (
        Meeting.title_zh,
        Meeting.title_ko,
        Meeting.title_en,
        Meeting.start_dt,
        Meeting.end_dt,
    )
    query = _waiting_people(user, now).with_only_columns(
        *rows.PERSON_COLUMNS, *meeting_columns, sa.func.count().over().label("total")
    )
    query = query.join(User, User.id == Participant.user_id, isouter=True)
    query = query.order_by(Meeting.start_dt, Meeting.id, Participant.id).limit(SHOWN_ROWS)
    grouped: dict[int, tuple] = {}
    found = db.session.connection().execute(query).all()
    for row in found:
        if row.meeting_id not in grouped:
            meeting = {column.key: getattr(row, column.key) for column in meeting_columns}
            grouped[row.meeting_id] = (SimpleNamespace(id=row.meeting_id, **meeting), [])
        grouped[row.meeting_id][1].append(rows.person(row))
    return list(grouped.values()), (found[0].total if found else 0)


def failed_mail(user) -> tuple[list[OutboxMessage], int | None]:
    """The newest messages that failed for good (at most FAILED_SHOWN) and how many failed,
    for those who may open the outbox page (others: nothing, and None)."""
    if user.role not in EDITOR_ROLES:
        return [], None
    query = (
        sa.select(OutboxMessage)
        .options(defer(OutboxMessage.raw))  # the whole MIME message: never shown here
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return first_rows_and_total(query, FAILED_SHOWN)


def overdue_follow_ups(user, today: date) -> tuple[list[FollowUp], int]:
    """The user's own overdue actions first; coordinators and admins see everyone's."""
    only = None if user.role in EDITOR_ROLES else user.id
    query = follow_ups.overdue(today, first_owner_id=user.id, only_owner_id=only)
    return first_rows_and_total(query, SHOWN_ROWS)


RECENT_WINDOW = 200  # entries read to make RECENT_CHANGES lines (a series writes one a meeting)


def recent_entries() -> tuple[list[AuditEntry], dict]:
    """The latest entries on meetings, follow-ups, outcomes, visits, partners and contacts,
    and each entry's changed field names. Only updates' changes are read: a creation's holds
    every field of the object, and decoding two hundred of them was most of the page's time."""
    updates = sa.case((AuditEntry.action == "update", AuditEntry.changes), else_=sa.null())
    query = (
        sa.select(AuditEntry, updates.label("update_changes"))
        .where(AuditEntry.object_type.in_(CHANGE_TYPES))
        .options(defer(AuditEntry.changes), selectinload(AuditEntry.user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(RECENT_WINDOW)
    )
    rows = db.session.execute(query).all()
    names = {entry.id: field_names(entry.action, changes) for entry, changes in rows}
    return [entry for entry, _changes in rows], names


_NO_TEXT = sa.literal("")
_NO_NUMBER = sa.null()
# object_type → (its id column, what its page is found by, endpoint, endpoint argument, the
# titles in three languages (or blanks), its series, the tables the titles come from)
_PAGES = {
    "meetings": (Meeting.id, Meeting.id, "meetings.show_meeting", "meeting_id",
                 (Meeting.title_zh, Meeting.title_ko, Meeting.title_en), Meeting.series_id, ()),
    "meeting_outcomes": (MeetingOutcome.id, MeetingOutcome.meeting_id, "meetings.show_meeting",
                         "meeting_id", (Meeting.title_zh, Meeting.title_ko, Meeting.title_en),
                         _NO_NUMBER, (Meeting, Meeting.id == MeetingOutcome.meeting_id)),
    "follow_ups": (FollowUp.id, FollowUp.id, "follow_ups.edit_follow_up", "follow_up_id",
                   (_NO_TEXT,) * 3, _NO_NUMBER, ()),
    "visits": (Visit.id, Visit.id, "visits.show_visit", "visit_id",
               (Visit.title_zh, Visit.title_ko, Visit.title_en), _NO_NUMBER, ()),
    "partners": (Partner.id, Partner.slug, "partners.show_partner", "slug",
                 (Partner.name_zh, Partner.name_ko, Partner.name_en), _NO_NUMBER, ()),
    "contacts": (Contact.id, Contact.id, "contacts.show_contact", "contact_id",
                 (_NO_TEXT,) * 3, _NO_NUMBER, ()),
}  # fmt: skip


def _lookup(object_type: str, ids: set):
    key, target, _endpoint, _argument, titles, series, join = _PAGES[object_type]
    columns = [sa.literal(object_type), key, sa.cast(target, sa.String)]
    pairs = zip(titles, LANGUAGES, strict=True)
    named = [sa.cast(title, sa.String).label(f"title_{code}") for title, code in pairs]
    query = sa.select(*columns, *named, sa.cast(series, sa.Integer).label("series_id"))
    if join:
        query = query.join(*join)
    return query.where(key.in_(ids))


def changed_objects(entries) -> dict:
    """(object_type, id) → Found (page, titles, series) for the objects that still exist, in
    one query."""
    if not entries:
        return {}
    lookups = []
    for object_type in _PAGES:
        ids = {e.object_id for e in entries if e.object_type == object_type and e.object_id}
        lookups.append(_lookup(object_type, ids))
    found = {}
    # One url_for per kind of page, not one per object (two hundred entries are read).
    pattern = {t: url_for(page[2], **{page[3]: _SLOT}) for t, page in _PAGES.items()}
    series_pattern = url_for("meetings.show_series", series_id=_SLOT)
    for row in db.session.execute(sa.union_all(*lookups)):
        object_type, object_id, target = row[0], row[1], row[2]
        has_titles = any(row[3:6])
        found[object_type, object_id] = Found(
            pattern[object_type].replace(str(_SLOT), quote(str(target), safe="")),
            row if has_titles else None,
            row.series_id,
            series_pattern.replace(str(_SLOT), str(row.series_id)) if row.series_id else "",
        )
    return found


_SLOT = 987654321  # stands for the id (or slug) in a page's address pattern


def recent_changes(lang: str) -> list[ChangeLine]:
    """RECENT_CHANGES lines, a series operation as one, titled in *lang*."""
    entries, names = recent_entries()
    return group_changes(entries, changed_objects(entries), lang, RECENT_CHANGES, names)


def build_dashboard(user, zone: str, now: datetime | None = None) -> Dashboard:
    """Every section of the home page for *user*, whose clock is *zone*."""
    now = now or now_utc()
    monday, start, end = week_of(zone, now)
    waiting, waiting_count = waiting_for_answers(user, now)
    overdue, overdue_count = overdue_follow_ups(user, today_in(zone, now))
    changes = recent_changes(current_language())
    failed_messages, failed_count = failed_mail(user)
    return Dashboard(
        week_start=monday,
        week_meetings=week_meetings(start, end),
        waiting=waiting,
        waiting_count=waiting_count,
        failed_mail=failed_count,
        failed_messages=failed_messages,
        overdue=overdue,
        overdue_count=overdue_count,
        changes=changes,
    )
