"""Recurring meetings: create a series, change or cancel one occurrence or this-and-following.

Each occurrence is a `Meeting` row of the series with ``recurrence_start`` (its original start,
the RECURRENCE-ID). Invariant: the rows attached to a series are exactly the occurrences its
current rule generates; cancelled ones are its EXDATEs. Rows a rule change no longer generates
are cancelled and detached, so they stay as history without confusing the calendar data.

Signals (``meeting_changed``, sent once per change after the flush):
- one occurrence goes through the ordinary lifecycle services, so the sender is the `Meeting`
  (``change="updated"``, ``"cancelled"``...) and ``meeting.series`` tells it is an occurrence;
- series-wide changes send the `MeetingSeries` with ``change="series_created"``,
  ``"series_updated"`` (the whole series changed, same UID), ``"series_split"`` (``previous=``
  the old series, now ending before the split; the new series has its own UID),
  ``"series_truncated"`` (cancelled from an occurrence on) or ``"series_cancelled"``; each with
  ``meetings=`` the rows affected and, where some were dropped, ``removed=``.

"This and following" ends the old series (UNTIL) and starts a new one with a NEW UID instead
of RANGE=THISANDFUTURE, which Outlook and Google do not apply (RFC 5546 allows it; CalConnect
advises splitting; Google itself splits). Splitting at the first occurrence edits the whole
series under its own UID.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.conflicts import find_conflicts, lock_resources
from scheduler.meetings.models import Meeting, MeetingStatus, Participant, raise_sequence
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import RecurrenceError, Rule, anchored, expand
from scheduler.meetings.services import MeetingError, check_join_url, participant_label
from scheduler.meetings.signals import mailed_count, meeting_changed, state_of
from scheduler.timefmt import to_local_naive

# What every occurrence shares; times come from the rule.
TEMPLATE_FIELDS = tuple(
    f for f in services.EDITABLE_FIELDS if f not in ("start_dt", "end_dt", "timezone")
)
PERSON_FIELDS = ("user_id", "contact_id", "guest_email", "guest_name", "guest_language", "role")


def _expanded(rule: Rule) -> tuple[Rule, list]:
    """The rule anchored on its first occurrence and its occurrences, or MeetingError."""
    try:
        rule = anchored(rule)
        return rule, expand(rule)
    except RecurrenceError as error:
        raise MeetingError(error.message) from error


def changed(series: MeetingSeries, change: str, **details) -> int:
    """Flush and tell listeners (invites, reminders) about a series-wide change; how many
    people they will e-mail about it."""
    db.session.flush()
    return mailed_count(meeting_changed.send(series, change=change, **details))


def _fill(meeting: Meeting, occurrence, data: dict, partners) -> None:
    for field in TEMPLATE_FIELDS:
        if field in data:
            setattr(meeting, field, data[field])
    meeting.start_dt, meeting.end_dt = occurrence.start, occurrence.end
    meeting.recurrence_start = occurrence.start
    if partners is not None:
        meeting.partners = list(partners)


def _new_occurrence(series, occurrence, data, partners, people=()) -> Meeting:
    meeting = Meeting(
        organizer=series.organizer,
        status=data.get("status", MeetingStatus.DRAFT),
        series=series,
        timezone=series.timezone,
    )
    _fill(meeting, occurrence, data, partners)
    for person in people:
        meeting.participants.append(
            Participant(**{name: getattr(person, name) for name in PERSON_FIELDS})
        )
    db.session.add(meeting)
    return meeting


def check_conflicts(meetings: list[Meeting], override_reason: str | None) -> None:
    """Refuse double-booked interpreters or rooms; people's clashes need a reason (audited)."""
    found = {}
    for meeting in meetings:
        if meeting.status != MeetingStatus.CANCELLED:
            lock_resources(meeting)
            found[meeting] = find_conflicts(meeting, participant_label)
    every = [c for conflicts in found.values() for c in conflicts]
    if any(c.is_hard for c in every):
        raise MeetingError(services.hard_conflict_message(every, at_this_time=False), every)
    if every and not (override_reason or "").strip():
        raise MeetingError(
            _l("Some participants already have a meeting at one of the dates."), every
        )
    for meeting, conflicts in found.items():
        if conflicts:
            services.record_override(meeting, override_reason, conflicts)


def create_series(organizer, rule: Rule, data: dict, partners, override_reason=None):
    """A new series and one draft meeting per occurrence (at most 500)."""
    rule, occurrences = _expanded(rule)
    check_join_url(data.get("join_url", ""))
    series = MeetingSeries(organizer=organizer)
    series.set_rule(rule)
    db.session.add(series)
    meetings = [_new_occurrence(series, o, data, partners) for o in occurrences]
    db.session.flush()
    check_conflicts(meetings, override_reason)
    changed(series, "series_created", meetings=meetings)
    return series


def _require_occurrence(meeting: Meeting) -> MeetingSeries:
    if meeting.series is None:
        raise MeetingError(_l("This meeting is not part of a series."))
    return meeting.series


def edit_occurrence(meeting: Meeting, data: dict, partners=None, override_reason=None):
    """Change one occurrence only; it keeps its RECURRENCE-ID and becomes an exception."""
    _require_occurrence(meeting)
    meeting.is_exception = True
    return services.update_meeting(meeting, data, partners, override_reason)


def cancel_occurrence(meeting: Meeting, reason: str) -> int:
    """Cancel one occurrence: it becomes an EXDATE of its series. Returns how many people
    will be e-mailed about it."""
    series = _require_occurrence(meeting)
    raise_sequence(series)
    return services.cancel(meeting, reason)


def _split_rows(meeting: Meeting) -> tuple[list[Meeting], list[Meeting]]:
    """The series' rows before *meeting*, and *meeting* with every later one."""
    rows = sorted(meeting.series.meetings, key=lambda m: m.recurrence_start)
    before = [m for m in rows if m.recurrence_start < meeting.recurrence_start]
    return before, [m for m in rows if m.recurrence_start >= meeting.recurrence_start]


def _refuse_held(rows: list[Meeting]) -> None:
    if any(m.status == MeetingStatus.HELD for m in rows):
        raise MeetingError(_l("A meeting of this part of the series has been held already."))


def _end_before(series: MeetingSeries, original_start: datetime) -> None:
    """Let *series* end the day before the original date of a split occurrence (an UNTIL)."""
    day = to_local_naive(original_start, series.timezone).date()
    series.occurrence_count, series.until_date = None, day - timedelta(days=1)
    raise_sequence(series)


def _detach(meeting: Meeting, reason: str) -> None:
    """A row no rule generates any more: cancelled, kept as history outside the series."""
    if meeting.status not in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        meeting.status, meeting.status_reason = MeetingStatus.CANCELLED, reason
        raise_sequence(meeting)
    meeting.series, meeting.recurrence_start = None, None
    meeting.detached_from_series = True


def _move(meeting: Meeting, series, occurrence, data: dict, partners) -> None:
    meeting.series, meeting.timezone = series, series.timezone
    if meeting.status == MeetingStatus.CANCELLED:  # stays cancelled: an EXDATE of the new rule
        meeting.start_dt, meeting.end_dt = occurrence.start, occurrence.end
        meeting.recurrence_start = occurrence.start
        return
    _fill(meeting, occurrence, data, partners)
    meeting.is_exception = False
    raise_sequence(meeting)


def _by_original_date(rows: list[Meeting]) -> dict:
    return {to_local_naive(m.recurrence_start, m.timezone).date(): m for m in rows}


def _rebuild(series, occurrences, by_date: dict, data, partners, template: Meeting):
    """Pair old rows (by original local date) with new occurrences; new dates get new rows.

    Returns (the series' rows now, the rows dropped). Dropped rows are cancelled and
    detached; single-occurrence edits are replaced by the new values, as calendars do.
    """
    people = list(template.participants)
    # A date the new rule adds is as settled as the date edited: a confirmed series' new
    # Thursday is confirmed (and invited to), not a draft nobody hears of.
    settled = template.status in (MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED)
    status = template.status if settled else MeetingStatus.DRAFT
    kept = []
    for occurrence in occurrences:
        row = by_date.pop(occurrence.local_start.date(), None)
        if row is None:
            row = _new_occurrence(series, occurrence, {"status": status} | data, partners, people)
        else:
            _move(row, series, occurrence, data, partners)
        kept.append(row)
    dropped = list(by_date.values())
    for row in dropped:
        _detach(row, str(_l("Removed when the series was changed.")))
    return kept, dropped


def _check_new_start(before: list[Meeting], occurrences) -> None:
    if before and occurrences[0].start <= before[-1].recurrence_start:
        raise MeetingError(_l("The changed meetings must start after the last meeting kept."))


def edit_following(
    meeting: Meeting, rule: Rule, data: dict, partners=None, override_reason=None
) -> MeetingSeries:
    """Change *meeting* and every later occurrence; returns the series they now belong to."""
    old = _require_occurrence(meeting)
    check_join_url(data.get("join_url", meeting.join_url))
    rule, occurrences = _expanded(rule)
    told = _states_before(old, meeting)
    before, rows = _split_rows(meeting)
    _refuse_held(rows)
    _check_new_start(before, occurrences)
    by_date, split_at = _by_original_date(rows), meeting.recurrence_start
    # Detach all following rows first, so the unique (series, RECURRENCE-ID) index never
    # sees a moved row and a new one at the same instant during the flush.
    for row in rows:
        row.series, row.recurrence_start = None, None
    db.session.flush()
    if before:
        _end_before(old, split_at)
        target = MeetingSeries(organizer=old.organizer, split_from=old)
        db.session.add(target)
    else:
        target = old
        raise_sequence(target)
    target.set_rule(rule)
    kept, dropped = _rebuild(target, occurrences, by_date, data, partners, meeting)
    db.session.flush()
    check_conflicts(kept, override_reason)
    change = "series_split" if before else "series_updated"
    extra = {"previous": old, "previous_before": told["series"]} if before else {}
    changed(target, change, meetings=kept, removed=dropped, before=told["edited"], **extra)
    return target


def _states_before(series: MeetingSeries, meeting: Meeting) -> dict:
    """What readers' calendars show before a change of *meeting* and the dates after it:
    the edited date with the rule ("edited"), and the series' first date with the rule
    ("series", for the part of a split series that stays), for the notices' old → new."""
    return {
        "edited": state_of(meeting, series.rule),
        "series": state_of(series.template(), series.rule),
    }


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise MeetingError(_l("Please give a reason."))
    if len(reason) > 2000:
        raise MeetingError(_l("At most %(max)d characters.", max=2000))
    return reason


def cancel_following(meeting: Meeting, reason: str) -> int:
    """Cancel *meeting* and every later occurrence (the whole series from its first one).
    Returns how many people will be e-mailed about it."""
    series = _require_occurrence(meeting)
    reason = _reason(reason)
    told = _states_before(series, meeting)
    before, rows = _split_rows(meeting)
    _refuse_held(rows)
    for row in rows:
        if row.status != MeetingStatus.CANCELLED:
            row.status, row.status_reason = MeetingStatus.CANCELLED, reason
            raise_sequence(row)
    if not before:
        raise_sequence(series)
        return changed(series, "series_cancelled", meetings=rows)
    _end_before(series, meeting.recurrence_start)
    for row in rows:
        row.series, row.recurrence_start = None, None
        row.detached_from_series = True
    return changed(series, "series_truncated", meetings=before, removed=rows, before=told["series"])


def exdates(series: MeetingSeries) -> list[datetime]:
    """The original starts (UTC) of the cancelled occurrences: the series' EXDATE list."""
    return [m.recurrence_start for m in series.meetings if m.status == MeetingStatus.CANCELLED]
