"""What changed, for an update notice: old → new, in the reader's language (issue 11, item 6).

The old values come with the change (``before=`` on `meeting_changed`, a `MeetingState`);
`dispatch.defer_invites` keeps the earliest of one transaction, so the list compares with
what the reader's last message showed. A change of a whole series ("this and following", a
series edit, a series cut short) compares its first date and its rule as well. First
invitations, cancellations and removals have no list: there is nothing in the reader's
calendar to compare with, or nothing left.
"""

from flask_babel import gettext as _
from flask_babel import pgettext

from scheduler.invites.notices import both_clocks
from scheduler.invites.recipients import reader_text
from scheduler.meetings.models import STATUS_LABELS
from scheduler.meetings.series.summary import describe
from scheduler.meetings.signals import state_of

LISTED_REASONS = ("updated", "postponed")  # the REQUESTs that change an entry the reader has


def _time(state, recipient) -> str:
    return both_clocks(state.start_dt, recipient, state.end_dt)


def _fields(recipient) -> list[tuple]:
    """(label, how to read the value off a state) in the order the details show them."""
    return [
        (_("Time"), lambda s: _time(s, recipient)),
        (_("Repeats"), lambda s: describe(s.rule) if s.rule is not None else ""),
        (_("Place"), lambda s: reader_text(s, "location", recipient)),
        (_("Video platform"), lambda s: s.platform),
        (_("Join link"), lambda s: s.join_url),
        (_("Meeting ID"), lambda s: s.meeting_code),
        (_("Passcode"), lambda s: s.passcode),
        (_("Status"), lambda s: str(STATUS_LABELS[s.status])),
    ]


def changed_rows(invite) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field the reader sees differently now; [] when the
    invite is not an update of an entry they have. Call under the reader's locale."""
    if invite.method != "REQUEST" or invite.reason not in LISTED_REASONS:
        return []
    if invite.before is None:
        return []
    series_wide = invite.before.rule is not None and invite.layout is not None
    now = state_of(invite.meeting, invite.layout.series.rule if series_wide else None)
    none = pgettext("changed value", "(none)")
    rows = []
    for label, read in _fields(invite.recipient):
        old, new = read(invite.before), read(now)
        if old != new:
            rows.append((label, old or none, new or none))
    return rows
