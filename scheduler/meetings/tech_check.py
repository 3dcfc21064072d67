"""When the technical check of a video link takes place, as one line for a page or a mail.

The host side runs the check (its technicians test connection, camera, microphone and the
interpretation channel with the other side), so invitations show it to the host side's
readers; staff pages show it always.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _

from scheduler.meetings.models import MeetingKind
from scheduler.sides import CHINA, other_side_zone
from scheduler.timefmt import dual_clock


def tech_check_at(meeting) -> datetime | None:
    """The start of *meeting*'s technical check, or None (not a video link, or no check)."""
    if meeting.kind != MeetingKind.VIDEO_LINK or not meeting.tech_check_minutes:
        return None
    return meeting.start_dt - timedelta(minutes=meeting.tech_check_minutes)


def tech_check_text(meeting, zone: str, lang: str | None = None) -> str:
    """``12月3日（周二）14:00（北京时间）/ 15:00（首尔时间），会前30分钟``, or "" without a
    check; the reader's clock (*zone*) first."""
    at = tech_check_at(meeting)
    if at is None:
        return ""
    when = dual_clock(at, zone, other_side_zone(zone), lang)
    return _(
        "%(time)s, %(minutes)d minutes before the start",
        time=when,
        minutes=meeting.tech_check_minutes,
    )


def runs_tech_check(meeting, partner_side: bool) -> bool:
    """True when a reader on that side (a partner's contact, or our side) runs the check:
    the host side's, ours when no host side is set (the office organizes)."""
    host = meeting.host_side or CHINA.code
    return (host != CHINA.code) == partner_side
