"""`flask --app scheduler backup create|verify|restore`."""

from collections.abc import Callable
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup, with_appcontext

from scheduler.backup.create import create
from scheduler.backup.errors import BackupError
from scheduler.backup.restore import restore
from scheduler.backup.verify import verify

backup_cli = AppGroup("backup", help="Back up, check and restore the database and uploads.")
_FOLDER = click.Path(path_type=Path, file_okay=False)


def _echo(action: Callable[[Path], list[str]], folder: Path) -> None:
    """Run *action* and print its lines; a database that cannot be reached is a message."""
    try:
        lines = action(folder)
    except sa.exc.OperationalError as error:
        raise BackupError(f"The database cannot be reached: {error.orig}") from error
    for line in lines:
        click.echo(line)


@backup_cli.command("create")
@click.option("--out", required=True, type=_FOLDER, help="A new or empty folder.")
@with_appcontext
def create_command(out: Path):
    """Write a consistent backup while the app keeps running."""
    _echo(create, out)


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
    _echo(restore, directory)
