"""`flask --app scheduler slots`: common free times of several people, best first.

Output is English like the other commands (messages rendered under force_locale("en")). A
time the open poll of a meeting holds for one of the people is still listed (a hold is not a
conflict), marked as the web page marks it: "Held for a time poll: <title>" in the text, the
meeting's id and title under "held" in the JSON.
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask_babel import force_locale

from scheduler.availability.services import OverrideError, parse_day
from scheduler.availability.slots import (
    SlotInputError,
    check_buffer,
    check_duration,
    check_range,
    reason_text,
)
from scheduler.db import now_utc
from scheduler.i18n import localized
from scheduler.meetings.holds import held_meetings
from scheduler.slots import services
from scheduler.slots.warnings import HoldWarning


def _usage_error(message) -> click.UsageError:
    with force_locale("en"):
        return click.UsageError(str(message))


def _day(text: str):
    try:
        return parse_day(text)
    except OverrideError as error:
        raise _usage_error(error.message) from None


def _instant(text: str | None) -> datetime:
    if not text:
        return now_utc()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.UsageError(f'"{text}" is not an instant. Use ISO 8601 with an offset.')
    return moment.astimezone(UTC)


def _checked_options(first, last, duration, buffer):
    try:
        check_range(first, last)
        check_duration(timedelta(minutes=duration))
        check_buffer(timedelta(minutes=buffer))
    except SlotInputError as error:
        raise _usage_error(error.message) from None


def _people(emails):
    try:
        return services.people_by_email(list(emails))
    except services.PeopleError as error:
        with force_locale("en"):
            click.echo(f"Error: {error.message}", err=True)
        raise click.exceptions.Exit(1) from None


def iso_utc(moment: datetime) -> str:
    """``2026-09-21T01:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_row(slot, people, held=()) -> dict:
    """One slot as the JSON output has it: UTC start/end, each person's local time and the
    meetings (*held*) whose open polls hold the time."""
    local = {w.label: slot.start.astimezone(ZoneInfo(w.zone)).isoformat() for w in people}
    held_rows = [{"meeting_id": m.id, "title": localized(m, "title", "en")} for m in held]
    times = {"start": iso_utc(slot.start), "end": iso_utc(slot.end)}
    return {**times, "local": local, "held": held_rows}


def _held_text(meetings) -> str:
    """``  [Held for a time poll: <title>]`` for each meeting, or nothing."""
    with force_locale("en"):
        return "".join(f"  [{HoldWarning(m).text('en')}]" for m in meetings)


def _print_text(result, people, limit: int) -> None:
    for slot in result.slots[:limit]:
        clocks = " · ".join(
            f"{w.label} {slot.start.astimezone(ZoneInfo(w.zone)):%Y-%m-%d %H:%M} {w.zone}"
            for w in people
        )
        held = _held_text(held_meetings(result.holds_on(slot)))
        click.echo(f"{iso_utc(slot.start)}  {clocks}{held}")
    if not result.slots:
        click.echo("No common free time in this range.")
    with force_locale("en"):
        for day, reasons in result.skipped.items():
            texts = "; ".join(reason_text(r, "en") for r in reasons)
            click.echo(f"{day.isoformat()} skipped: {texts}")


@click.command("slots")
@click.option(
    "--participant",
    "emails",
    multiple=True,
    required=True,
    metavar="EMAIL",
    help="A staff member's or contact's e-mail; repeat for each person.",
)
@click.option(
    "--from",
    "first",
    required=True,
    metavar="YYYY-MM-DD",
    help="First day, on the first participant's clock.",
)
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD", help="Last day (included).")
@click.option("--duration", type=int, required=True, metavar="MINUTES")
@click.option(
    "--buffer",
    type=int,
    default=0,
    show_default=True,
    metavar="MINUTES",
    help="Free time kept before and after other meetings.",
)
@click.option(
    "--notice",
    type=int,
    default=0,
    show_default=True,
    metavar="MINUTES",
    help="No slot starts sooner than this after --now.",
)
@click.option(
    "--now",
    "now_text",
    metavar="ISO-8601",
    help="The moment the notice counts from (default: the current time).",
)
@click.option(
    "--step",
    type=click.IntRange(5, 60),
    default=15,
    show_default=True,
    metavar="MINUTES",
    help="Grid of start times.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def slots_command(emails, first, last, duration, buffer, notice, now_text, step, limit, as_json):
    """Find common free times of the participants, best first."""
    first_day, last_day = _day(first), _day(last)
    _checked_options(first_day, last_day, duration, buffer)
    if notice < 0:
        raise click.UsageError("--notice cannot be negative.")
    now = _instant(now_text)
    people = _people(emails)
    result = services.search_slots(
        people,
        first_day,
        last_day,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        notice=timedelta(minutes=notice),
        now=now,
        step=timedelta(minutes=step),
    )
    if as_json:
        rows = [
            slot_row(slot, people, held_meetings(result.holds_on(slot)))
            for slot in result.slots[:limit]
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _print_text(result, people, limit)
