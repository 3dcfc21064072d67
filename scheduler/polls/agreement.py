"""History statistics: how long agreeing on a time took, per partner — the median and the
number of days from a poll's opening to the meeting's confirmation (the poll's closing), for
the polls closed in the period. Days are calendar days on the office's clock.

One query for the closed polls of the period with their partners; the medians are taken in
Python (a year has tens of polls, not thousands).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from scheduler.extensions import db
from scheduler.meetings.models import meeting_partners
from scheduler.partners.models import Partner
from scheduler.partners.services import lineage_ids_query
from scheduler.polls.models import Poll, PollStatus


@dataclass(frozen=True)
class Agreement:
    """One partner's closed polls in the period and the median days they took."""

    partner: Partner
    count: int
    median_days: float

    @property
    def median_shown(self) -> int | float:
        """The median as a page prints it: ``3``, or ``2.5`` between two polls."""
        return int(self.median_days) if self.median_days.is_integer() else self.median_days


def _office_days(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    return (end.astimezone(zone).date() - start.astimezone(zone).date()).days


def _period(year: int | None, zone: ZoneInfo) -> list:
    if year is None:
        return []
    first, after = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    return [Poll.closed_at >= first, Poll.closed_at < after]


def days_to_agree(partner: Partner | None, year: int | None) -> list[Agreement]:
    """Per partner (or *partner* and its predecessors), the polls closed in *year* (on the
    office's calendar; None: every year): how many, and the median days they took."""
    zone = ZoneInfo(current_app.config["OFFICE_TIMEZONE"])
    link = meeting_partners
    query = (
        sa.select(Partner, Poll.created_at, Poll.closed_at)
        .join(link, link.c.meeting_id == Poll.meeting_id)
        .join(Partner, Partner.id == link.c.partner_id)
        .where(Poll.status == PollStatus.CLOSED, *_period(year, zone))
    )
    if partner is not None:
        query = query.where(Partner.id.in_(lineage_ids_query(partner.id)))
    days = defaultdict(list)
    for found, opened, closed in db.session.execute(query):
        days[found].append(_office_days(opened, closed, zone))
    rows = [Agreement(p, len(d), float(median(d))) for p, d in days.items()]
    return sorted(rows, key=lambda row: (row.partner.kr_code or "", row.partner.id))
