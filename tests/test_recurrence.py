"""Recurrence rules: Outlook-representable patterns expanded on the planning zone's clock."""

from datetime import UTC, date, datetime, time

import pytest

from scheduler.meetings.series.recurrence import (
    RecurrenceError,
    Rule,
    anchored,
    expand,
    ical_rrule,
)


def _rule(**fields):
    values = {
        "freq": "weekly", "interval": 1, "start_date": date(2026, 9, 1),
        "start_time": time(14, 30), "duration_minutes": 90, "zone": "Asia/Shanghai",
        "weekdays": ("TU",), "count": 3,
    }  # fmt: skip
    values.update(fields)
    return Rule(**values)


def _local(rule):
    return [o.local_start.strftime("%Y-%m-%d %H:%M") for o in expand(rule)]


def _utc(rule):
    return [o.start.strftime("%Y-%m-%dT%H:%MZ") for o in expand(rule)]


def _refused(rule) -> str:
    with pytest.raises(RecurrenceError) as caught:
        expand(rule)
    return str(caught.value.message)


def test_every_two_weeks_on_tuesday_and_thursday_with_a_count():
    rule = _rule(interval=2, weekdays=("TU", "TH"), count=6)
    assert _local(rule) == [
        "2026-09-01 14:30", "2026-09-03 14:30", "2026-09-15 14:30",
        "2026-09-17 14:30", "2026-09-29 14:30", "2026-10-01 14:30",
    ]  # fmt: skip
    first = expand(rule)[0]
    assert first.start == datetime(2026, 9, 1, 6, 30, tzinfo=UTC)
    assert first.end == datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def test_day_31_means_the_last_day_of_every_month():
    rule = _rule(freq="monthly", weekdays=(), month_day=31, start_date=date(2027, 1, 31), count=6)
    assert _local(rule) == [
        "2027-01-31 14:30", "2027-02-28 14:30", "2027-03-31 14:30",
        "2027-04-30 14:30", "2027-05-31 14:30", "2027-06-30 14:30",
    ]  # fmt: skip
    assert ical_rrule(anchored(rule))["BYMONTHDAY"] == -1


@pytest.mark.parametrize("day", [29, 30])
def test_days_29_and_30_are_refused(day):
    rule = _rule(freq="monthly", weekdays=(), month_day=day)
    assert _refused(rule) == (
        f"Day {day} does not exist in every month, and calendar programs disagree on what to do "
        "then. Choose a day from 1 to 28 or the last day of the month."
    )


def test_monthly_on_a_day_from_1_to_28():
    rule = _rule(freq="monthly", weekdays=(), month_day=15, start_date=date(2027, 1, 20), count=3)
    assert _local(rule) == ["2027-02-15 14:30", "2027-03-15 14:30", "2027-04-15 14:30"]


def test_monthly_on_the_last_friday():
    rule = _rule(freq="monthly", weekdays=("FR",), week_of_month=-1,
                 start_date=date(2026, 1, 1), count=4)  # fmt: skip
    assert _local(rule) == [
        "2026-01-30 14:30", "2026-02-27 14:30", "2026-03-27 14:30", "2026-04-24 14:30",
    ]  # fmt: skip
    assert ical_rrule(anchored(rule)) == {
        "FREQ": "MONTHLY", "INTERVAL": 1, "WKST": "MO", "BYDAY": "-1FR", "COUNT": 4,
    }  # fmt: skip


def test_every_second_month_on_the_second_tuesday():
    rule = _rule(freq="monthly", interval=2, weekdays=("TU",), week_of_month=2,
                 start_date=date(2027, 1, 1), count=3)  # fmt: skip
    assert _local(rule) == ["2027-01-12 14:30", "2027-03-09 14:30", "2027-05-11 14:30"]


def test_until_date_is_inclusive_on_the_planning_calendar():
    rule = _rule(weekdays=("MO",), start_date=date(2026, 11, 2), count=None,
                 until=date(2026, 11, 30))  # fmt: skip
    assert _local(rule) == [
        "2026-11-02 14:30", "2026-11-09 14:30", "2026-11-16 14:30",
        "2026-11-23 14:30", "2026-11-30 14:30",
    ]  # fmt: skip
    assert ical_rrule(rule)["UNTIL"] == datetime(2026, 11, 30, 6, 30, tzinfo=UTC)


def test_500_occurrences_are_allowed_and_501_refused():
    assert len(expand(_rule(count=500))) == 500
    message = "A series has at most 500 meetings; this one has more than 500 occurrences."
    assert _refused(_rule(count=501)) == message
    every_day = _rule(weekdays=("MO", "TU", "WE", "TH", "FR", "SA", "SU"), count=None,
                      until=date(2028, 6, 1))  # fmt: skip
    assert _refused(every_day) == message


def test_ending_before_the_start_is_refused():
    rule = _rule(count=None, until=date(2026, 8, 31))
    assert _refused(rule) == "The series ends before it starts."
    no_meeting = _rule(weekdays=("FR",), count=None, until=date(2026, 9, 3))
    assert _refused(no_meeting) == "No meeting falls between the start and the end date."


def test_wall_clock_kept_across_a_berlin_daylight_saving_change():
    rule = _rule(zone="Europe/Berlin", weekdays=("WE",), start_date=date(2026, 3, 18))
    assert _local(rule) == ["2026-03-18 14:30", "2026-03-25 14:30", "2026-04-01 14:30"]
    assert _utc(rule) == ["2026-03-18T13:30Z", "2026-03-25T13:30Z", "2026-04-01T12:30Z"]


def test_changchun_has_no_daylight_saving():
    rule = _rule(weekdays=("WE",), start_date=date(2026, 3, 18))
    assert _utc(rule) == ["2026-03-18T06:30Z", "2026-03-25T06:30Z", "2026-04-01T06:30Z"]


def test_an_occurrence_at_a_time_that_does_not_exist_is_refused():
    rule = _rule(zone="Europe/Berlin", weekdays=("SU",), start_date=date(2026, 3, 22),
                 start_time=time(2, 30))  # fmt: skip
    assert _refused(rule) == (
        "On 2026-03-29, 02:30 does not exist in Berlin (the clocks change). Choose another time."
    )
    autumn = _rule(zone="Europe/Berlin", weekdays=("SU",), start_date=date(2026, 10, 18),
                   start_time=time(2, 30))  # fmt: skip
    assert "On 2026-10-25, 02:30 happens twice in Berlin" in _refused(autumn)


def test_the_rule_is_anchored_on_its_first_occurrence():
    rule = _rule(interval=2, weekdays=("TU", "TH"), start_date=date(2026, 9, 5), count=4)
    assert anchored(rule).start_date == date(2026, 9, 15)
    assert _local(anchored(rule)) == _local(rule)
    assert ical_rrule(anchored(rule)) == {
        "FREQ": "WEEKLY", "INTERVAL": 2, "WKST": "MO", "BYDAY": ["TU", "TH"], "COUNT": 4,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"freq": "daily"}, "A meeting repeats every week or every month."),
        ({"interval": 53}, "Repeat every 1 to 52 weeks or every 1 to 12 months."),
        ({"freq": "monthly", "weekdays": (), "month_day": 1, "interval": 13},
         "Repeat every 1 to 52 weeks or every 1 to 12 months."),
        ({"weekdays": ()}, "Choose at least one weekday."),
        ({"weekdays": ("XX",)}, "Choose the weekdays again."),
        ({"freq": "monthly", "weekdays": ("MO", "FR"), "week_of_month": 1},
         "Choose the first to fourth or the last weekday."),
        ({"freq": "monthly", "weekdays": ("MO",), "week_of_month": 5},
         "Choose the first to fourth or the last weekday."),
        ({"freq": "monthly", "weekdays": ()}, "Choose a day of the month or a weekday"),
        ({"count": None}, "End the series after a number of meetings or on a date."),
        ({"until": date(2027, 1, 1)}, "End the series after a number of meetings or on a date."),
        ({"count": 0}, "A series has at least one meeting."),
        ({"duration_minutes": 4}, "A meeting lasts between 5 minutes and 24 hours."),
    ],
)  # fmt: skip
def test_patterns_outlook_cannot_show_are_refused(fields, message):
    assert _refused(_rule(**fields)).startswith(message)
