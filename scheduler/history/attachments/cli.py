"""`flask --app scheduler history check-uploads`: attachment rows and files in step.

Uploads write the file before the row commits and remove it again on rollback, but a process
killed in between can still leave a file without a row. This command finds such files (and
rows whose file has gone missing, which should never happen) and can remove the strays.
"""

import json
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.history.attachments import files as attachment_files
from scheduler.history.attachments.models import Attachment

# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE = timedelta(hours=1)


def _report(delete_orphans: bool) -> dict:
    rows = dict(db.session.execute(sa.select(Attachment.stored_name, Attachment.id)).all())
    on_disk = attachment_files.stored_files()
    orphans = sorted(name for name in on_disk if name not in rows)
    missing = sorted(rows[name] for name in rows if name not in on_disk)
    deleted = []
    if delete_orphans:
        cutoff = now_utc() - ORPHAN_GRACE
        deleted = [name for name in orphans if on_disk[name] < cutoff]
        for name in deleted:
            attachment_files.discard(name)
    return {"orphan_files": orphans, "missing_files": missing, "deleted_files": deleted}


@click.command("check-uploads")
@click.option("--delete-orphans", is_flag=True, help="Remove stray files over an hour old.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def check_uploads_command(delete_orphans, as_json):
    """List attachment files without a row and rows whose file is missing."""
    report = _report(delete_orphans)
    if as_json:
        click.echo(json.dumps(report))
    else:
        for name in report["orphan_files"]:
            click.echo(f"file without a row: {name}")
        for attachment_id in report["missing_files"]:
            click.echo(f"attachment {attachment_id}: file missing")
        click.echo(
            f"orphan files {len(report['orphan_files'])}, missing files "
            f"{len(report['missing_files'])}, deleted {len(report['deleted_files'])}"
        )
    if report["missing_files"]:
        raise SystemExit(1)
