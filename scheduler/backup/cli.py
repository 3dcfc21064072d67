"""`flask --app scheduler backup create|verify|restore`."""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from scheduler.backup.create import create
from scheduler.backup.restore import restore
from scheduler.backup.verify import verify

backup_cli = AppGroup("backup", help="Back up, check and restore the database and uploads.")
_FOLDER = click.Path(path_type=Path, file_okay=False)


@backup_cli.command("create")
@click.option("--out", required=True, type=_FOLDER, help="A new or empty folder.")
@with_appcontext
def create_command(out: Path):
    """Write a consistent backup while the app keeps running."""
    for line in create(out):
        click.echo(line)


@backup_cli.command("verify")
@click.argument("directory", type=_FOLDER)
@with_appcontext
def verify_command(directory: Path):
    """Check a backup's checksums, database and counts (exit code 1 when anything is wrong)."""
    verdict = verify(directory)
    for line in verdict.lines:
        click.echo(line)
    if not verdict.ok:
        raise SystemExit(1)


@backup_cli.command("restore")
@click.argument("directory", type=_FOLDER)
@with_appcontext
def restore_command(directory: Path):
    """Restore a backup into an empty database and uploads folder."""
    for line in restore(directory):
        click.echo(line)
