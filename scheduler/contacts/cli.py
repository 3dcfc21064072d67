"""`flask --app scheduler contacts import|export`: the same service as the pages."""

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from scheduler.audit.services import set_actor
from scheduler.contacts.io import write as io_write
from scheduler.contacts.io.read import ImportFileError, read_table
from scheduler.contacts.io.rows import check_rows, save_rows
from scheduler.extensions import db
from scheduler.partners.services import get_partner
from scheduler.transaction import commits

contacts = AppGroup("contacts", help="Import and export partner contacts.")


@contacts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--update-existing",
    is_flag=True,
    help="Update contacts whose e-mail address is already known (else such a row is an error).",
)
@commits
def import_command(file: Path, update_existing: bool):
    """Import contacts from a .csv or .xlsx FILE: every row is checked, then all or nothing."""
    try:
        table = read_table(file.name, file.read_bytes())
    except ImportFileError as error:
        _fail(error.problems)
    with click.progressbar(length=len(table.rows), label="Checking rows") as bar:
        checked, problems = check_rows(table, update_existing, bar.update)
    if problems:
        _fail(problems)
    set_actor(db.session, None)
    with click.progressbar(length=len(checked), label="Importing") as bar:
        result = save_rows(checked, file.name, bar.update)
    click.echo(
        f"Imported {file.name}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


def _fail(problems) -> NoReturn:
    """Print the report in English and stop with exit status 1; nothing has been written."""
    with force_locale("en"):
        for problem in problems:
            where = ", ".join(
                part
                for part in (
                    f"row {problem.row}" if problem.row else "",
                    f"column {problem.column}" if problem.column else "",
                )
                if part
            )
            click.echo(f"{where or 'file'}: {problem.reason}", err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was imported.", err=True)
    raise click.exceptions.Exit(1)


@contacts.command("export")
@click.option("--format", "file_format", type=click.Choice(io_write.FORMATS), required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option("--partner", "slug", default=None, help="Only this partner's contacts (its slug).")
@click.option("--inactive", is_flag=True, help="Include deactivated contacts.")
def export_command(file_format: str, out: Path, slug: str | None, inactive: bool):
    """Export contacts as CSV (UTF-8 with BOM) or XLSX, in the import's columns."""
    partner = get_partner(slug) if slug else None
    if slug and partner is None:
        raise click.BadParameter(f"no partner called {slug!r}", param_hint="--partner")
    rows = list(io_write.export_contacts(partner, inactive))
    out.write_bytes(io_write.to_bytes(rows, file_format))
    click.echo(f"Wrote {len(rows) - 1} contacts to {out}.")
