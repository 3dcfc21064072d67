"""`flask --app scheduler outbox ...`"""

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from scheduler.extensions import db
from scheduler.invites.outbox.delivery import deliver_due
from scheduler.invites.outbox.models import OutboxMessage
from scheduler.invites.outbox.retention import purge_expired
from scheduler.invites.outbox.transports import describe
from scheduler.transaction import commits

outbox = AppGroup("outbox", help="The queue of outgoing e-mail.")


@outbox.command("deliver")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def deliver_command(as_json):
    """Send every message that is due now (retries included)."""
    try:
        totals = deliver_due()
    except sa.exc.DBAPIError as error:  # the database went away mid-run (an outage, a restart)
        raise click.ClickException(
            f"stopped: the database failed ({describe(error)});"
            " the messages not sent wait for the next run"
        ) from None
    summary = f"sent {totals['sent']}, to retry {totals['retry']}, failed {totals['failed']}"
    click.echo(json.dumps(totals) if as_json else summary)
    if totals.stopped:  # the rest waits for the next run; say why
        click.echo(f"stopped early: {totals.stopped}", err=True)


@outbox.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_command(as_json):
    """How many messages are pending, being sent, sent and failed."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status: 0 for status in ("pending", "sending", "sent", "failed")}
    counts.update({status: n for status, n in rows})
    click.echo(json.dumps(counts) if as_json else ", ".join(f"{k} {v}" for k, v in counts.items()))


@outbox.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Keep bodies this many days instead of MAIL_RETENTION_DAYS.",
)
@commits
def purge_command(days):
    """Purge sent mail bodies older than the retention limit, and old MAIL_FOLDER files."""
    result = purge_expired(days=days)
    ids = result.message_ids
    click.echo(_listed(f"Purged the bodies of {len(ids)} messages", ids))
    click.echo(_listed(f"Removed {len(result.files)} files from the mail folder", result.files))


def _listed(summary: str, items) -> str:
    """``summary: a, b.`` or ``summary.`` when nothing was done."""
    return f"{summary}: {', '.join(map(str, items))}." if items else f"{summary}."
