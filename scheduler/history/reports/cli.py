"""`flask --app scheduler history export`: the history export pages, from the command line."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from scheduler.history.reports import exports
from scheduler.history.timeline import HistoryFilters
from scheduler.meetings.models import FIRST_YEAR, LAST_YEAR
from scheduler.partners.services import get_partner
from scheduler.sides import LANGUAGES


@click.command("export")
@click.option("--format", "file_format", type=click.Choice(exports.FORMATS), required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option(
    "--partner",
    "slug",
    default=None,
    help="Only this partner (its slug), with the history of the partners merged into it.",
)
@click.option(
    "--year",
    type=click.IntRange(FIRST_YEAR, LAST_YEAR),
    default=None,
    help="Only this year (on the office's calendar).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the headers and labels (default: the office's).",
)
@with_appcontext
def export_command(file_format: str, out: Path, slug: str | None, year: int | None, lang):
    """Export the exchange history as CSV (UTF-8 with BOM) or XLSX, newest first."""
    partner = get_partner(slug) if slug else None
    if slug and partner is None:
        raise click.BadParameter(f"no partner called {slug!r}", param_hint="--partner")
    filters = HistoryFilters(partner=partner, year=year)
    counted = []

    def rows():
        for row in exports.export_rows(filters):
            counted.append(None)
            yield row

    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        out.write_bytes(exports.to_file_bytes(rows(), file_format))
    click.echo(f"Wrote {len(counted) - 1} exchanges to {out}.")
