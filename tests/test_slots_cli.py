"""`flask slots`: working hours of both sides, holidays, buffer, notice, conflicts, DST, output."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.meetings.services import add_participant, cancel
from tests.conftest import unique_email

CN, KR, BERLIN = "Asia/Shanghai", "Asia/Seoul", "Europe/Berlin"
BEFORE_ALL = "2026-01-01T00:00:00Z"  # --now for searches in 2026 (the default is the clock)


@pytest.fixture
def people(make_user, make_contact):
    """cn@ / cn2@ staff in Changchun, kr@ / kr2@ contacts in Seoul, de@ staff in Berlin."""
    make_user("coordinator", email="cn@example.org", timezone=CN)
    make_user("coordinator", email="cn2@example.org", timezone=CN)
    make_contact("seoul", email="kr@example.org", timezone=KR)
    make_contact("busan", email="kr2@example.org", timezone=KR)
    make_user("coordinator", email="de@example.org", timezone=BERLIN,
              working_hours="Mon-Fri 09:00-17:00")  # fmt: skip


def _slots(app, *emails, first, last, duration=60, now=BEFORE_ALL, extra=()):
    args = ["slots", "--from", first, "--to", last, "--duration", str(duration)]
    for email in emails:
        args += ["--participant", email]
    result = app.test_cli_runner().invoke(args=[*args, "--now", now, *extra])
    assert result.exit_code == 0, result.output
    return result


def _json(app, *emails, **options):
    extra = ("--json", "--limit", "1000", *options.pop("extra", ()))
    return json.loads(_slots(app, *emails, extra=extra, **options).stdout)


def _local(rows, zone=CN) -> list[str]:
    """Start times on *zone*'s clock in time order, ``09-21 09:00``."""
    starts = sorted(datetime.fromisoformat(r["start"]) for r in rows)
    return [s.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M") for s in starts]


def _days(rows, zone=CN) -> list[str]:
    return sorted({time.split()[0] for time in _local(rows, zone)})


def test_json_shape_and_both_sides_working_hours(app, people):
    rows = _json(app, "cn@example.org", "KR@example.org", first="2026-09-21", last="2026-09-21")
    assert rows[0] == {
        "start": "2026-09-21T01:00:00Z",
        "end": "2026-09-21T02:00:00Z",
        "local": {"cn@example.org": "2026-09-21T09:00:00+08:00",
                  "kr@example.org": "2026-09-21T10:00:00+09:00"},
        "held": [],
    }  # fmt: skip
    # CN 09:00–12:00, 13:30–17:30 and KR 09:00–12:00, 13:00–18:00 (= CN 08:00–11:00, 12:00–17:00)
    assert _local(rows) == [f"09-21 {t}" for t in (
        "09:00", "09:15", "09:30", "09:45", "10:00", "13:30", "13:45", "14:00", "14:15", "14:30",
        "14:45", "15:00", "15:15", "15:30", "15:45", "16:00")]  # fmt: skip
    # Best first: mornings (clear of the lunch break on both clocks), then mid-afternoon.
    best = [datetime.fromisoformat(r["start"]).astimezone(ZoneInfo(CN)) for r in rows]
    assert [f"{t:%H:%M}" for t in best[:8]] == [
        "09:00", "09:15", "09:30", "09:45", "10:00", "14:30", "14:45", "15:00"]  # fmt: skip
    assert [f"{t:%H:%M}" for t in best[-3:]] == ["13:30", "15:45", "16:00"]


def test_limit_and_plain_text(app, people):
    result = _slots(app, "cn@example.org", "kr@example.org", first="2026-09-20",
                    last="2026-09-21", extra=("--limit", "2"))  # fmt: skip
    assert result.stdout == (
        "2026-09-21T01:00:00Z  cn@example.org 2026-09-21 09:00 Asia/Shanghai"
        " · kr@example.org 2026-09-21 10:00 Asia/Seoul\n"
        "2026-09-21T01:15:00Z  cn@example.org 2026-09-21 09:15 Asia/Shanghai"
        " · kr@example.org 2026-09-21 10:15 Asia/Seoul\n"
        "2026-09-20 skipped: Korea: weekend\n"
    )


def test_chinese_golden_week_has_no_slot_but_the_make_up_saturday_has(app, people):
    rows = _json(app, "cn@example.org", "cn2@example.org", first="2026-09-28", last="2026-10-11")
    assert _days(rows) == ["09-28", "09-29", "09-30", "10-08", "10-09", "10-10"]
    assert _local(rows)[0] == "09-28 09:00"
    text = _slots(app, "cn@example.org", first="2026-10-01", last="2026-10-02").stdout
    assert text == (
        "No common free time in this range.\n"
        "2026-10-01 skipped: China: National Day\n"
        "2026-10-02 skipped: China: National Day\n"
    )


def test_make_up_sunday_works_in_china_but_not_with_a_korean_participant(app, people):
    rows = _json(app, "cn@example.org", "cn2@example.org", first="2026-09-20", last="2026-09-20")
    assert _local(rows)[:2] == ["09-20 09:00", "09-20 09:15"]  # normal weekday hours
    assert len(rows) == 9 + 13  # starts 09:00–11:00 and 13:30–16:30, every 15 minutes
    assert _json(app, "cn@example.org", "kr@example.org", first="2026-09-20",
                 last="2026-09-20") == []  # fmt: skip


def test_chuseok_has_no_slot_for_korean_participants(app, people):
    rows = _json(app, "kr@example.org", "kr2@example.org", first="2026-09-21", last="2026-09-27")
    assert _days(rows, KR) == ["09-21", "09-22", "09-23"]
    text = _slots(app, "kr@example.org", first="2026-09-24", last="2026-09-27").stdout
    assert text == (
        "No common free time in this range.\n"
        "2026-09-24 skipped: Korea: The day preceding Chuseok\n"
        "2026-09-25 skipped: Korea: Chuseok\n"
        "2026-09-26 skipped: Korea: The second day of Chuseok\n"
        "2026-09-27 skipped: Korea: weekend\n"
    )


def test_both_sides_holidays_are_named(app, people):
    text = _slots(app, "cn@example.org", "kr@example.org", first="2026-10-03",
                  last="2026-10-03").stdout  # fmt: skip
    assert text.endswith(
        "2026-10-03 skipped: China: National Day; Korea: National Foundation Day\n"
    )


def _busy(make_meeting, email_user, start_hour, end_hour, status=None):
    """A meeting of *email_user* on Monday 2026-09-21, hours on the Changchun clock."""
    meeting = make_meeting(start_dt=datetime(2026, 9, 21, start_hour - 8, 0, tzinfo=UTC),
                           end_dt=datetime(2026, 9, 21, end_hour - 8, 0, tzinfo=UTC))  # fmt: skip
    add_participant(meeting, user=email_user)
    if status == "cancelled":
        cancel(meeting, "Called off")
    return meeting


def test_existing_meetings_and_buffer(app, db, people, make_meeting):
    from scheduler.auth.services import find_user

    cn = find_user("cn@example.org")
    _busy(make_meeting, cn, 10, 11)
    _busy(make_meeting, cn, 9, 10, status="cancelled")  # ignored
    db.session.commit()
    morning = [
        t
        for t in _local(
            _json(app, "cn@example.org", first="2026-09-21", last="2026-09-21", duration=30)
        )
        if t < "09-21 12:00"
    ]
    assert morning == ["09-21 09:00", "09-21 09:15", "09-21 09:30",
                       "09-21 11:00", "09-21 11:15", "09-21 11:30"]  # fmt: skip
    rows = _json(app, "cn@example.org", first="2026-09-21", last="2026-09-21", duration=30,
                 extra=("--buffer", "15"))  # fmt: skip
    assert [t for t in _local(rows) if t < "09-21 12:00"] == [
        "09-21 09:00", "09-21 09:15", "09-21 11:15", "09-21 11:30"]  # fmt: skip


def test_another_participants_meeting_blocks_the_common_time(app, db, people, make_meeting):
    from scheduler.contacts.services import find_by_email

    meeting = make_meeting(start_dt=datetime(2026, 9, 21, 0, 0, tzinfo=UTC),
                           end_dt=datetime(2026, 9, 21, 3, 0, tzinfo=UTC))  # fmt: skip
    add_participant(meeting, contact=find_by_email("kr@example.org"))
    db.session.commit()
    rows = _json(app, "cn@example.org", "kr@example.org", first="2026-09-21", last="2026-09-21")
    assert _local(rows)[0] == "09-21 13:30"


def test_minimum_notice(app, people):
    rows = _json(app, "cn@example.org", first="2026-09-20", last="2026-09-21",
                 now="2026-09-21T09:10:00+08:00", extra=("--notice", "60"))  # fmt: skip
    assert _local(rows)[:2] == ["09-21 10:15", "09-21 10:30"]
    text = _slots(app, "cn@example.org", first="2026-09-20", last="2026-09-21", extra=(
        "--notice", "60", "--limit", "1"), now="2026-09-21T09:10:00+08:00").stdout  # fmt: skip
    assert text.endswith("2026-09-20 skipped: Too soon: within the minimum notice.\n")


def test_berlin_across_the_change_to_winter_time(app, people):
    rows = _json(app, "cn@example.org", "de@example.org", first="2026-10-23", last="2026-10-27")
    # Berlin 09:00 is 15:00 in Changchun in summer time and 16:00 after 2026-10-25.
    assert _local(rows) == [
        "10-23 15:00", "10-23 15:15", "10-23 15:30", "10-23 15:45", "10-23 16:00",
        "10-23 16:15", "10-23 16:30", "10-26 16:00", "10-26 16:15", "10-26 16:30",
        "10-27 16:00", "10-27 16:15", "10-27 16:30"]  # fmt: skip
    first = min(rows, key=lambda r: r["start"])
    assert first["local"]["de@example.org"] == "2026-10-23T09:00:00+02:00"
    after = [r for r in rows if r["start"] == "2026-10-26T08:00:00Z"][0]
    assert after["local"]["de@example.org"] == "2026-10-26T09:00:00+01:00"


def test_ranges_are_read_on_the_first_participants_clock(app, people):
    rows = _json(app, "de@example.org", "cn@example.org", first="2026-10-26", last="2026-10-26")
    assert _local(rows, BERLIN) == ["10-26 09:00", "10-26 09:15", "10-26 09:30"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--participant", "nobody@example.org"],
            1,
            "Error: No staff member or contact has the e-mail address nobody@example.org.\n",
        ),
        (
            ["--participant", "cn@example.org", "--to", "2027-09-21"],
            2,
            "Error: Search at most 366 days at a time.\n",
        ),
        (
            ["--participant", "cn@example.org", "--to", "2026-09-19"],
            2,
            "Error: The last day is before the first day.\n",
        ),
        (
            ["--participant", "cn@example.org", "--to", "2026-02-30"],
            2,
            'Error: "2026-02-30" is not a date. Use YYYY-MM-DD, for example 2027-02-06.\n',
        ),
        (
            ["--participant", "cn@example.org", "--duration", "4"],
            2,
            "Error: A meeting lasts between 5 minutes and 24 hours.\n",
        ),
        (
            ["--participant", "cn@example.org", "--duration", "1441"],
            2,
            "Error: A meeting lasts between 5 minutes and 24 hours.\n",
        ),
        (
            ["--participant", "cn@example.org", "--buffer", "-5"],
            2,
            "Error: The buffer is between 0 and 240 minutes.\n",
        ),
        (
            ["--participant", "cn@example.org", "--now", "tomorrow"],
            2,
            'Error: "tomorrow" is not an instant. Use ISO 8601 with an offset.\n',
        ),
    ],
)
def test_bad_input(app, people, args, code, message):
    options = {"--from": "2026-09-20", "--to": "2026-09-25", "--duration": "60"}
    options.update(zip(args[::2], args[1::2], strict=True))
    flat = [part for pair in options.items() for part in pair]
    result = app.test_cli_runner().invoke(args=["slots", *flat])
    assert result.exit_code == code
    assert result.stderr.endswith(message)
    assert result.stdout == ""


def test_inactive_person_is_refused(app, db, make_user):
    email = unique_email("gone")
    user = make_user("coordinator", email=email)
    user.is_active_user = False
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "slots", "--participant", email, "--from", "2026-09-21", "--to", "2026-09-21",
        "--duration", "60"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == f"Error: {email} is inactive and cannot take part.\n"


def test_a_range_of_exactly_366_days_is_allowed(app, people):
    rows = _json(
        app, "cn@example.org", first="2026-09-20", last="2027-09-20", extra=("--limit", "1")
    )
    assert len(rows) == 1
