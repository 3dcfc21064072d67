"""The statistics page's figures and charts, kept per worker while the statistics' version
(scheduler/history/reports/changes.py) stays the same.

Counting 50,000 meetings and drawing the charts costs far more than the page's 50 ms budget;
reading the version is one primary-key look-up. An entry is keyed on everything its
figures and charts depend on: the database, the version, the partner and year asked for,
the office's zone and today's date there (late follow-ups, the default year), and the
viewer's locale (labels and numbers in the charts). Partners are kept as ids and loaded
again per request, so no ORM object outlives its session.
"""

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_locale

from scheduler.extensions import db
from scheduler.history.reports import changes
from scheduler.history.reports.statistics import PartnerYears, Statistics
from scheduler.history.timeline import office_zone
from scheduler.partners.models import Partner

MAX_ENTRIES = 64  # partners × years × locales actually viewed; each entry is a few KB
_entries: OrderedDict[tuple, tuple[Statistics, list, list]] = OrderedDict()
_lock = threading.Lock()


def _key(partner: Partner | None, year: int | None) -> tuple:
    zone = office_zone()
    today = datetime.now(ZoneInfo(zone)).date()
    connection = db.session.connection()
    database = connection.engine.url.render_as_string(hide_password=True)
    version = changes.current(connection)
    asked = (partner.id if partner else None, year)
    return (database, version, *asked, zone, today, str(get_locale()))


def _with_partners(stats: Statistics, rows: list[tuple[int, dict]]) -> Statistics:
    """*stats* with its partner × year rows holding this session's Partner objects."""
    ids = [partner_id for partner_id, _counts in rows]
    partners = db.session.scalars(sa.select(Partner).where(Partner.id.in_(ids))).all()
    by_id = {partner.id: partner for partner in partners}
    by_partner = [PartnerYears(by_id[i], dict(counts)) for i, counts in rows if i in by_id]
    return dataclasses.replace(stats, by_partner=by_partner)


def cached_statistics(
    partner: Partner | None, year: int | None, build: Callable[[], tuple[Statistics, list]]
) -> tuple[Statistics, list]:
    """The figures and charts of *partner* (or all) in *year* (or all): those kept for the
    database's current version, or *build*'s, kept for the next request."""
    if changes.pending(db.session):  # uncommitted changes are no version's figures
        return build()
    key = _key(partner, year)
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
    if entry is not None:
        stats, rows, charts = entry
        return _with_partners(stats, rows), charts
    stats, charts = build()
    rows = [(row.partner.id, dict(row.counts)) for row in stats.by_partner]
    kept = dataclasses.replace(stats, by_partner=[])
    with _lock:
        _entries[key] = (kept, rows, charts)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return stats, charts
