"""Inbound and outbound visits: the one definition that statistics, the annual report, the
history filters and the exports share.

- **Inbound** (来访 / 대표단 내방(방중)): a delegation of a Korean partner comes to us, to
  Changchun.
- **Outbound** (出访 / 대표단 방한): our delegation goes to Korea.

A visit is one delegation's trip, counted once:
- a recorded visit (scheduler/visits) is one visit in its own direction, whatever its
  itinerary holds; the itinerary's meetings of a visit kind (the talks, the reception) *are*
  that visit and are not counted again, while its other items (a signing, an inspection)
  are exchanges of their own kind;
- a meeting of a visit kind outside any recorded visit (a trip entered as one meeting) is one
  visit in its kind's direction.

Everything here is pure: no model is imported, so the models and the queries of every
package can use it.
"""

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.meetings.models import KIND_LABELS, MeetingKind


class Direction(enum.StrEnum):
    """Which way a delegation travels; the value is what the database stores."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


VISIT_DIRECTIONS = tuple(Direction)
# The meeting kind that stands for a visit in each direction, and back.
KIND_OF_DIRECTION = {
    Direction.INBOUND: MeetingKind.INBOUND_VISIT,
    Direction.OUTBOUND: MeetingKind.OUTBOUND_VISIT,
}
DIRECTION_OF_KIND = {kind: direction for direction, kind in KIND_OF_DIRECTION.items()}
VISIT_KINDS = tuple(DIRECTION_OF_KIND)
# A direction reads as the kind of meeting that stands for it: 来访 / 出访.
DIRECTION_LABELS = {direction: KIND_LABELS[kind] for direction, kind in KIND_OF_DIRECTION.items()}
DEFINITION = _l(
    "An inbound visit is a Korean delegation's trip to Changchun, an outbound visit our "
    "delegation's trip to Korea. A recorded visit counts once, however many meetings its "
    "itinerary has."
)


def direction_of(kind: str, visit_direction: str | None = None) -> Direction | None:
    """The direction of the visit a meeting of *kind* belongs to: that of its recorded visit
    (*visit_direction*) if it has one, else its kind's; None for an exchange outside visits."""
    if visit_direction:
        return Direction(visit_direction)
    return DIRECTION_OF_KIND.get(kind)


def stands_for_its_visit(kind_column, visit_id_column) -> sa.ColumnElement[bool]:
    """SQL: the meeting is a visit-kind item of a recorded visit, so it is counted as that
    visit (once, by the visit) rather than on its own."""
    return sa.and_(visit_id_column.is_not(None), kind_column.in_(VISIT_KINDS))


def kind_of_direction_sql(direction_column) -> sa.ColumnElement[str]:
    """SQL: the meeting kind that stands for a visit in the direction *direction_column*."""
    return sa.case(
        {str(d): str(kind) for d, kind in KIND_OF_DIRECTION.items()}, value=direction_column
    )
