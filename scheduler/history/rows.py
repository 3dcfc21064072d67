"""List rows read as plain records: a page of the history list and its visits.

A history page shows fifty meetings with their partners, people and outcome summaries, and
nothing of them is changed there. Loading them as ORM entities (identity map, instance state,
one `selectinload` statement per relation) cost most of the page's time; these Core selects
read only the columns a row shows, in a fixed number of statements, and hand the templates
records with the same attribute names the entities have (`m.partners`, `p.contact`,
`m.outcome.summary_zh`…), so the helpers that format a meeting (`localized`, `meeting_time`,
`participant_label`, `partner_names`) read them unchanged.
"""

from collections import defaultdict
from types import SimpleNamespace

import sqlalchemy as sa

from scheduler.auth.models import User
from scheduler.contacts.models import NAME_FIELDS, Contact
from scheduler.extensions import db
from scheduler.history.outcomes.models import MeetingOutcome
from scheduler.meetings.models import Meeting, Participant, meeting_partners
from scheduler.meetings.queries import LIST_COLUMNS
from scheduler.partners.models import Partner
from scheduler.visits.models import VISIT_LIST_COLUMNS, visit_partners

MEETING_COLUMNS = (*LIST_COLUMNS, Meeting.visit_id)
PARTNER_COLUMNS = (Partner.id, Partner.slug, Partner.name_zh, Partner.name_ko, Partner.name_en)
# What `user_name` and `person_name` read (an erased contact's pseudonym needs its id).
USER_FIELDS = ("id", "name_zh", "name_ko", "email")
CONTACT_FIELDS = ("id", *NAME_FIELDS, "erased_at")


def _execute(query):
    return db.session.connection().execute(query)


def linked_partners(link: sa.Table, owner_ids: list[int]) -> dict[int, list]:
    """owner id → its partners (id, slug and names) for the meetings or visits *owner_ids*
    through the partner *link* table (meeting_partners or visit_partners), in one statement."""
    owner = next(column for column in link.c if column.name != "partner_id")
    query = (
        sa.select(owner.label("owner_id"), *PARTNER_COLUMNS)
        .join(Partner, Partner.id == link.c.partner_id)
        .where(owner.in_(owner_ids))
        .order_by(owner, Partner.kr_code, Partner.id)
    )
    found = defaultdict(list)
    for row in _execute(query) if owner_ids else ():
        found[row.owner_id].append(
            SimpleNamespace(
                id=row.id,
                slug=row.slug,
                name_zh=row.name_zh,
                name_ko=row.name_ko,
                name_en=row.name_en,
            )
        )
    return found


def _labelled(model, fields: tuple[str, ...], prefix: str) -> list:
    return [getattr(model, name).label(prefix + name) for name in fields]


def _record(row, fields: tuple[str, ...], prefix: str):
    """The fields of one joined model in *row* as a record, or None where the join found none."""
    if getattr(row, prefix + "id") is None:
        return None
    return SimpleNamespace(**{name: getattr(row, prefix + name) for name in fields})


# A participant as `participant_label` reads it: its user's and contact's name columns.
PERSON_COLUMNS = (
    Participant.meeting_id,
    Participant.guest_name,
    Participant.guest_email,
    *_labelled(User, USER_FIELDS, "user_"),
    *_labelled(Contact, CONTACT_FIELDS, "contact_"),
)


def with_people(query: sa.Select) -> sa.Select:
    """*query* (over participants) joined to the users and contacts PERSON_COLUMNS read."""
    return query.outerjoin(User, User.id == Participant.user_id).outerjoin(
        Contact, Contact.id == Participant.contact_id
    )


def person(row) -> SimpleNamespace:
    """A row with PERSON_COLUMNS as a participant record (user, contact, guest)."""
    return SimpleNamespace(
        user=_record(row, USER_FIELDS, "user_"),
        contact=_record(row, CONTACT_FIELDS, "contact_"),
        guest_name=row.guest_name,
        guest_email=row.guest_email,
    )


def meeting_people(meeting_ids: list[int]) -> dict[int, list]:
    """meeting id → its participants as `participant_label` reads them (user, contact, guest),
    in the order they were added: one statement with the users and contacts joined."""
    query = (
        with_people(sa.select(*PERSON_COLUMNS))
        .where(Participant.meeting_id.in_(meeting_ids))
        .order_by(Participant.meeting_id, Participant.id)
    )
    found = defaultdict(list)
    for row in _execute(query) if meeting_ids else ():
        found[row.meeting_id].append(person(row))
    return found


def meeting_rows(query: sa.Select, details: bool = True) -> list:
    """The meetings *query* selects (a select of `Meeting` narrowed, sorted and limited) as
    list rows with their partners; with *details* also the outcome summary, participants and
    visit. Two or three statements however many rows."""
    columns = MEETING_COLUMNS if details else LIST_COLUMNS
    selected = query.with_only_columns(*columns, maintain_column_froms=True)
    if details:
        selected = selected.add_columns(
            MeetingOutcome.summary_zh, MeetingOutcome.summary_ko
        ).outerjoin(MeetingOutcome, MeetingOutcome.meeting_id == Meeting.id)
    rows = _execute(selected).all()
    ids = [row.id for row in rows]
    partners = linked_partners(meeting_partners, ids)
    people = meeting_people(ids) if details else {}
    meetings = []
    for row in rows:
        meeting = SimpleNamespace(**{column.key: row[i] for i, column in enumerate(columns)})
        meeting.partners = partners.get(row.id, [])
        if details:
            meeting.participants = people.get(row.id, [])
            meeting.outcome = _outcome(row)
        meetings.append(meeting)
    return meetings


def _outcome(row):
    if row.summary_zh is None and row.summary_ko is None:
        return None  # the meeting has no outcome written
    return SimpleNamespace(summary_zh=row.summary_zh, summary_ko=row.summary_ko)


def visit_rows(query: sa.Select) -> list:
    """The visits *query* selects (a select of `Visit`) as list rows with their partners."""
    rows = _execute(query.with_only_columns(*VISIT_LIST_COLUMNS, maintain_column_froms=True)).all()
    partners = linked_partners(visit_partners, [row.id for row in rows])
    visits = []
    for row in rows:
        visit = SimpleNamespace(
            **{column.key: row[i] for i, column in enumerate(VISIT_LIST_COLUMNS)}
        )
        visit.partners = partners.get(row.id, [])
        visits.append(visit)
    return visits
