"""`flask --app scheduler slots`: common free times of several people, best first.

Output is English like the other commands (messages rendered under force_locale("en")).
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
from scheduler.slots import services


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


def slot_row(slot, people) -> dict:
    """One slot as the JSON output has it: UTC start/end and each person's local time."""
    local = {w.label: slot.start.astimezone(ZoneInfo(w.zone)).isoformat() for w in people}
    return {"start": iso_utc(slot.start), "end": iso_utc(slot.end), "local": local}


def _print_text(result, people, limit: int) -> None:
    for slot in result.slots[:limit]:
        clocks = " · ".join(
            f"{w.label} {slot.start.astimezone(ZoneInfo(w.zone)):%Y-%m-%d %H:%M} {w.zone}"
            for w in people
        )
        click.echo(f"{iso_utc(slot.start)}  {clocks}")
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
        rows = [slot_row(slot, people) for slot in result.slots[:limit]]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _print_text(result, people, limit)
