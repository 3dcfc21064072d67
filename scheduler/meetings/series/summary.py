"""A series in words and flags: its rule as a sentence, and for each occurrence the holidays
and weekends it falls on (on each side's calendar) and its clashes with other meetings.

Used by the series pages and by the invites (the rule in the recipient's language).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.availability.services import load_overrides
from scheduler.availability.slots import reason_text
from scheduler.availability.warnings import side_days
from scheduler.i18n import current_language, join_list
from scheduler.meetings.conflicts import find_conflicts
from scheduler.meetings.models import Meeting, MeetingStatus
from scheduler.meetings.series.recurrence import WEEKDAY_CODES, Rule
from scheduler.meetings.services import participant_label
from scheduler.sides import SIDES

NTH_LABELS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"), -1: _l("last")}


def weekday_names() -> dict[str, str]:
    """RFC 5545 weekday codes with the viewer's names for them (Babel: Monday = 0)."""
    names = get_day_names("wide", locale=get_locale())
    return {code: names[index] for index, code in enumerate(WEEKDAY_CODES)}


def _pattern(rule: Rule) -> str:
    """The repeat pattern; an interval of 1 gets its own sentence ("every week", not "every 1")."""
    n, once = rule.interval, rule.interval == 1
    if rule.freq == "weekly":
        names = weekday_names()
        days = join_list(names[code] for code in rule.weekdays)
        if once:
            return _("Every week on %(days)s", days=days)
        return _("Every %(num)d weeks on %(days)s", num=n, days=days)
    if rule.month_day == -1:
        if once:
            return _("Every month on the last day")
        return _("Every %(num)d months on the last day", num=n)
    if rule.month_day is not None:
        if once:
            return _("Every month on day %(day)d", day=rule.month_day)
        return _("Every %(num)d months on day %(day)d", num=n, day=rule.month_day)
    nth, weekday = NTH_LABELS[rule.week_of_month], weekday_names()[rule.weekdays[0]]
    if once:
        return _("Every month on the %(nth)s %(weekday)s", nth=nth, weekday=weekday)
    return _("Every %(num)d months on the %(nth)s %(weekday)s", num=n, nth=nth, weekday=weekday)


def describe(rule: Rule) -> str:
    """The rule in a sentence of the viewer's language."""
    pattern = _pattern(rule)
    if rule.count is not None:
        end = ngettext("%(num)d meeting", "%(num)d meetings", rule.count)
    else:
        end = _("until %(date)s", date=format_date(rule.until, "medium"))
    return _("%(pattern)s, %(end)s", pattern=pattern, end=end)


def holiday_flags(starts: list[datetime]) -> list[list[str]]:
    """For each start: the holidays, weekends and make-up working days it falls on, on each
    side's own calendar (worded as a single meeting's warnings and the slot finder's)."""
    if not starts:
        return []
    lang, overrides = current_language(), {}
    for side in SIDES:
        days = [start.astimezone(ZoneInfo(side.zone)).date() for start in starts]
        overrides[side.country] = load_overrides(side.country, min(days), max(days))
    return [[reason_text(r, lang) for r in side_days(start, overrides)] for start in starts]


def conflict_flags(meetings: list[Meeting]) -> list[list]:
    """For each meeting: its clashes with other meetings (none for cancelled ones)."""
    return [
        [] if m.status == MeetingStatus.CANCELLED else find_conflicts(m, participant_label)
        for m in meetings
    ]
