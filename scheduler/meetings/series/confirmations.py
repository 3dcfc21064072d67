"""The confirmation page before cancelling dates of a series (issue 12, item 5), shared by
its GET page (`confirm_views`) and the POST that lacked a reason (`views`)."""

from flask import url_for
from flask_babel import gettext as _

from scheduler.meetings.forms import ReasonForm
from scheduler.meetings.models import Meeting
from scheduler.meetings.preview import Ask, confirmation_page
from scheduler.meetings.series import services as series_services
from scheduler.meetings.series.models import MeetingSeries

REHEARSAL_REASON = "-"  # the reason changes what a mail says, not who gets one


def series_participants(series: MeetingSeries) -> list:
    """Everyone in any meeting of *series*, to name the people a change would mail."""
    return [p for m in series.meetings for p in m.participants]


def _question(scope: str) -> tuple[str, str]:
    if scope == "whole":
        return _("Cancel every meeting of this series?"), _("Cancel the whole series")
    if scope == "following":
        return _("Cancel this and the following meetings?"), _("Cancel this and following")
    return _("Cancel this meeting?"), _("Cancel this one")


def cancel_page(series: MeetingSeries, meeting: Meeting, scope: str, reason_form=None):
    """The page asking to cancel *meeting* alone (scope ``one``), it and the following ones
    (``following``), or the whole series (``whole``: *meeting* is the first)."""
    heading, button = _question(scope)
    following = scope != "one"
    post_url = url_for("meetings.cancel_occurrences", series_id=series.id, meeting_id=meeting.id)
    back = url_for("meetings.show_series", series_id=series.id)
    hidden = {"version": meeting.version, "scope": "following" if following else "one"}
    ask = Ask(heading, button, post_url, back, hidden, danger=True)
    call = series_services.cancel_following if following else series_services.cancel_occurrence
    change = lambda: call(meeting, REHEARSAL_REASON)  # noqa: E731
    form = reason_form or ReasonForm()
    return confirmation_page(ask, meeting, change, series_participants(series), form)
