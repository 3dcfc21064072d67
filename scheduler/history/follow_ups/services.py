"""Follow-up actions agreed at a meeting: checked, kept in step with their reminder, listed.

Services flush and never commit. The owner's reminder is due at 09:00 on the owner's clock
FOLLOW_UP_REMINDER_DAYS days before the due date; it is recomputed (and may go out again)
whenever the due date or the owner changes.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from config import Config
from scheduler.auth.models import User
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.history.follow_ups.models import FOLLOW_UP_STATUSES, FollowUp
from scheduler.meetings.models import Meeting
from scheduler.meetings.queries import meeting_ids_with_partners
from scheduler.timefmt import format_day

MAX_TITLE_LENGTH = 200
REMINDER_HOUR = time(9, 0)
EDITABLE_FIELDS = ("title", "owner_id", "due_date", "notes")


class FollowUpError(UserError):
    """Input a follow-up cannot take; ``message`` is translated, ``field`` names the input."""


def meeting_day(meeting: Meeting) -> date:
    """The meeting's date on the clock of the zone it was planned in."""
    return meeting.start_dt.astimezone(ZoneInfo(meeting.timezone)).date()


def reminder_days() -> int:
    """FOLLOW_UP_REMINDER_DAYS (the settings' default outside an app context)."""
    if has_app_context():
        return int(current_app.config["FOLLOW_UP_REMINDER_DAYS"])
    return Config.FOLLOW_UP_REMINDER_DAYS


def remind_at_for(due_date: date, zone: str, days: int) -> datetime:
    """09:00 on the owner's clock *days* days before *due_date*, as a UTC instant."""
    day = due_date - timedelta(days=days)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def active_owners():
    """Active staff accounts, the people an action can be given to."""
    query = sa.select(User).where(User.is_active_user.is_(True)).order_by(User.email)
    return db.session.scalars(query).all()


def _check_owner(owner_id) -> User:
    owner = db.session.get(User, owner_id) if isinstance(owner_id, int) else None
    if owner is None or not owner.is_active_user:
        raise FollowUpError(_l("Choose an active staff member as the owner."), field="owner_id")
    return owner


def _check(meeting: Meeting, data: dict) -> User:
    """Raise FollowUpError for bad input; return the owner."""
    title = (data.get("title") or "").strip()
    if not title:
        raise FollowUpError(_l("Enter a title."), field="title")
    if len(title) > MAX_TITLE_LENGTH:
        raise FollowUpError(_l("At most %(max)d characters.", max=MAX_TITLE_LENGTH), field="title")
    owner = _check_owner(data.get("owner_id"))
    due = data.get("due_date")
    if not isinstance(due, date):
        raise FollowUpError(_l("Enter a date such as 2026-12-03."), field="due_date")
    if due < meeting_day(meeting):
        day = format_day(meeting_day(meeting))
        message = _l("The due date cannot be before the meeting's date, %(date)s.", date=day)
        raise FollowUpError(message, field="due_date")
    return owner


def _schedule_reminder(follow_up: FollowUp, owner: User) -> None:
    follow_up.remind_at = remind_at_for(follow_up.due_date, owner.timezone, reminder_days())
    follow_up.reminder_sent_at = None


def create_follow_up(meeting: Meeting, data: dict) -> FollowUp:
    """A new open action on *meeting* (flushes). Raises FollowUpError for bad input."""
    owner = _check(meeting, data)
    follow_up = FollowUp(meeting=meeting, status="open", notes="")
    _apply(follow_up, data, owner)
    _schedule_reminder(follow_up, owner)
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def _apply(follow_up: FollowUp, data: dict, owner: User) -> None:
    follow_up.title = data["title"].strip()
    follow_up.owner = owner
    follow_up.due_date = data["due_date"]
    follow_up.notes = data.get("notes") or ""


def update_follow_up(follow_up: FollowUp, data: dict) -> FollowUp:
    """Edit an action (flushes); a new due date or owner reschedules its reminder."""
    owner = _check(follow_up.meeting, data)
    moved = owner.id != follow_up.owner_id or data["due_date"] != follow_up.due_date
    _apply(follow_up, data, owner)
    if moved:
        _schedule_reminder(follow_up, owner)
    if data.get("status"):
        set_status(follow_up, data["status"])
    db.session.flush()
    return follow_up


def set_status(follow_up: FollowUp, status: str, now: datetime | None = None) -> None:
    """Open, done (completed_at stamped) or dropped (flushes)."""
    if status not in FOLLOW_UP_STATUSES:
        raise FollowUpError(_l("Choose one of the values offered."), field="status")
    if status != follow_up.status:
        follow_up.status = status
        follow_up.completed_at = (now or now_utc()) if status == "done" else None
    db.session.flush()


def follow_ups_of(meeting: Meeting) -> list[FollowUp]:
    """The meeting's actions, by due date, owners loaded in bulk."""
    query = (
        sa.select(FollowUp)
        .where(FollowUp.meeting_id == meeting.id)
        .options(selectinload(FollowUp.owner))
        .order_by(FollowUp.due_date, FollowUp.id)
    )
    return list(db.session.scalars(query))


def listing(owner_id: int | None = None, overdue_before: date | None = None, status=None):
    """The query behind the list pages: by due date, owners and meetings loaded in bulk.

    *overdue_before*: only open actions due before that day (the viewer's today).
    """
    query = sa.select(FollowUp).options(
        selectinload(FollowUp.owner), selectinload(FollowUp.meeting)
    )
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    if overdue_before is not None:
        query = query.where(FollowUp.status == "open", FollowUp.due_date < overdue_before)
    elif status:
        query = query.where(FollowUp.status == status)
    return query.order_by(FollowUp.due_date, FollowUp.id)


def overdue(today: date, first_owner_id: int | None = None, only_owner_id: int | None = None):
    """Open actions due before *today*; *first_owner_id*'s own first, then by due date."""
    query = listing(owner_id=only_owner_id, overdue_before=today)
    if first_owner_id is not None:
        mine_first = sa.case((FollowUp.owner_id == first_owner_id, 0), else_=1)
        query = query.order_by(None).order_by(mine_first, FollowUp.due_date, FollowUp.id)
    return query


def overdue_for_partners(partner_ids: list[int], today: date) -> list[FollowUp]:
    """Open overdue actions from meetings with any of *partner_ids* (a partner's lineage)."""
    with_partner = meeting_ids_with_partners(partner_ids)
    query = listing(overdue_before=today).where(FollowUp.meeting_id.in_(with_partner))
    return list(db.session.scalars(query))
