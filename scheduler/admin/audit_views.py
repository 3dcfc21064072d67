"""The audit log browser (administrators): newest first, filtered by user, object, action, dates.

The log itself (model, listener) lives in `scheduler.audit`, below every domain package; this
page links entries to users, partners and contacts, so it sits here with the other admin pages.
"""

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from scheduler.audit.models import ACTION_NAMES, OTHER_ACTION_NAMES, AuditEntry
from scheduler.auth.models import User
from scheduler.contacts.models import Contact
from scheduler.extensions import db, paginate
from scheduler.history.changes.labels import changed_fields
from scheduler.history.dashboard import CHANGE_TYPES
from scheduler.i18n import user_name
from scheduler.partners.models import Partner
from scheduler.security import roles_required
from scheduler.timefmt import format_when

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
OBJECT_TYPES = {
    "users": _l("Users"),
    "partners": _l("Partners"),
    "contacts": _l("Contacts"),
    "polls": _l("Time polls"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class AuditFilters:
    user: int | None = None
    object_type: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def url_args(self) -> dict:
        """The filters as query arguments, for the pager's links."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(self).items()}


def _parse_user(raw: str):
    if raw.isdigit() and db.session.get(User, int(raw)):
        return int(raw)
    raise ValueError(_l("Choose a user from the list."))


def _parse_choice(raw: str, known) -> str:
    if raw in known:
        return raw
    raise ValueError(_l("Choose one of the values offered."))


def _parse_date(raw: str) -> date:
    try:
        if _ISO_DATE.match(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError(_l("Enter a date as YYYY-MM-DD, for example 2025-03-01."))


def parse_filters(args) -> tuple[AuditFilters, dict]:
    """Filters read from query *args*, and a dict of translated errors per field."""
    parsers = {
        "user": _parse_user,
        "object_type": lambda raw: _parse_choice(raw, OBJECT_TYPES),
        "action": lambda raw: _parse_choice(raw, ACTION_NAMES),
        "date_from": _parse_date,
        "date_to": _parse_date,
    }
    filters, errors = AuditFilters(), {}
    for name, parse in parsers.items():
        raw = args.get(name, "").strip()
        try:
            setattr(filters, name, parse(raw) if raw else None)
        except ValueError as error:
            errors[name] = error.args[0]
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        errors["date_to"] = _l("The end date must not be before the start date.")
    return filters, errors


def _start_of_day(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def filtered_entries(filters: AuditFilters, zone: str):
    """The query for entries matching *filters*, newest first; dates are days in *zone*."""
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.user))
    if filters.user:
        query = query.where(AuditEntry.user_id == filters.user)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEntry.at >= _start_of_day(filters.date_from, zone))
    if filters.date_to:
        next_day = filters.date_to + timedelta(days=1)
        query = query.where(AuditEntry.at < _start_of_day(next_day, zone))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _existing(model, ids: set[int], *columns):
    if not ids:
        return {}
    rows = db.session.execute(sa.select(model.id, *columns).where(model.id.in_(ids)))
    return {row[0]: row[1:] for row in rows}


def object_links(entries) -> dict:
    """(object_type, id) → URL, for the objects on this page that still exist."""
    ids: dict[str, set[int]] = {name: set() for name in OBJECT_TYPES}
    for entry in entries:
        if entry.object_type in ids and entry.object_id:
            ids[entry.object_type].add(entry.object_id)
    links = {}
    for user_id in _existing(User, ids["users"]):
        links["users", user_id] = url_for("admin.edit_user", user_id=user_id)
    for partner_id, (slug,) in _existing(Partner, ids["partners"], Partner.slug).items():
        links["partners", partner_id] = url_for("partners.show_partner", slug=slug)
    for contact_id in _existing(Contact, ids["contacts"]):
        links["contacts", contact_id] = url_for("contacts.show_contact", contact_id=contact_id)
    return links


def _user_choices():
    return db.session.scalars(sa.select(User).order_by(User.email)).all()


@bp.route("/")
@roles_required("admin")
def list_entries():
    zone = current_user.timezone
    filters, errors = parse_filters(request.args)
    query = filtered_entries(filters, zone)
    if errors:  # show the form with its errors and no rows rather than a misleading list
        query = query.where(sa.false())
    page = paginate(query, per_page=PER_PAGE)
    users = _user_choices()
    people = {user.id: user_name(user) for user in users}
    return render_template(
        "audit/list.html",
        page=page,
        filters=filters,
        errors=errors,
        users=users,
        links=object_links(page.items),
        changed_fields=lambda entry: changed_fields(entry, zone, people),
        TYPE_NAMES={**CHANGE_TYPES, **OBJECT_TYPES},
        format_when=format_when,
        zone=zone,
        OBJECT_TYPES=OBJECT_TYPES,
        ACTION_NAMES=ACTION_NAMES,
        ALL_ACTION_NAMES={**ACTION_NAMES, **OTHER_ACTION_NAMES},
    ), 400 if errors else 200
