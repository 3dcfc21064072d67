"""`flask --app scheduler holidays set|import|list`: staff overrides of the holiday calendar.

Output is English (like the other commands): messages are rendered under force_locale("en").
"""

import json
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from scheduler.audit.services import set_actor
from scheduler.availability import services
from scheduler.availability.holidays import notable_days
from scheduler.availability.services import OverrideError
from scheduler.extensions import db
from scheduler.transaction import commits

holidays_group = AppGroup("holidays", help="Public holidays (CN/KR) and staff overrides.")


def _fail(lines: list[str]) -> NoReturn:
    """Print *lines* to stderr and stop with exit status 1; nothing has been written."""
    db.session.rollback()
    for line in lines:
        click.echo(line, err=True)
    raise click.exceptions.Exit(1)


def _checked(call, *args):
    try:
        return call(*args)
    except OverrideError as error:
        with force_locale("en"):
            _fail([f"Error: {error}"])


@holidays_group.command("set")
@click.argument("country")
@click.argument("day", metavar="YYYY-MM-DD")
@click.option("--holiday", "action", flag_value="holiday", help="Make the day a holiday.")
@click.option("--workday", "action", flag_value="workday", help="Make the day a working day.")
@click.option("--clear", "action", flag_value="clear", help="Remove the override.")
@click.option("--name-zh", default="", help="Chinese name.")
@click.option("--name-ko", default="", help="Korean name.")
@click.option("--name-en", default="", help="English name.")
@commits
def set_command(country, day, action, name_zh, name_ko, name_en):
    """Override the package for one day of COUNTRY (CN or KR), or --clear the override."""
    if action is None:
        _fail(["Error: give one of --holiday, --workday or --clear."])
    set_actor(db.session, None)
    if action == "clear":
        country, day = _checked(services.parse_country, country), _checked(services.parse_day, day)
        removed = services.clear_override(country, day)
        click.echo(
            f"{country} {day}: override removed."
            if removed
            else f"{country} {day}: there was no override."
        )
        return
    names = {"zh": name_zh, "ko": name_ko, "en": name_en}
    checked = _checked(services.check_override, country, day, action, names)
    services.set_override(checked)
    click.echo(f"{checked.country} {checked.day}: {checked.kind} (override).")


@holidays_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@commits
def import_command(file: Path):
    """Import overrides from a CSV FILE (country,date,kind,name_zh,name_ko,name_en): all or none."""
    checked, problems = services.read_override_csv(file.read_bytes())
    if problems:
        with force_locale("en"):
            lines = [f"Row {p.row}: {p.reason}" for p in problems]
        _fail([*lines, f"{len(problems)} problem(s) found; nothing was imported."])
    set_actor(db.session, None)
    count = services.import_overrides(checked)
    click.echo(f"Imported {count} override(s) from {file.name}.")


def _list_rows(country: str, year: int) -> list[dict]:
    overrides = services.year_overrides(country, year)
    return [
        {
            "date": day.isoformat(),
            "kind": info.kind,
            "name_zh": info.names["zh"],
            "name_ko": info.names["ko"],
            "name_en": info.names["en"],
            "source": info.source,
        }
        for day, info in notable_days(country, year, overrides)
    ]


@holidays_group.command("list")
@click.argument("country")
@click.argument("year", type=click.IntRange(services.FIRST_YEAR, services.LAST_YEAR))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(country, year, as_json):
    """List the holidays and weekend workdays of COUNTRY (CN or KR) in YEAR, with their source."""
    rows = _list_rows(_checked(services.parse_country, country), year)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['date']}  {row['kind']:<14}  {row['name_zh']} / {row['name_ko']} / "
            f"{row['name_en']}  [{row['source']}]"
        )
