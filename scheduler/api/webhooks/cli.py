"""`flask --app scheduler webhooks deliver`: send the webhooks that are due now."""

import json

import click
from flask.cli import AppGroup

from scheduler.api.webhooks.delivery import deliver_due

webhooks = AppGroup("webhooks", help="The queue of outgoing webhooks.")


@webhooks.command("deliver")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def deliver_command(as_json):
    """POST every delivery that is due now (retries included); commits per delivery."""
    counts = deliver_due()
    summary = (
        f"delivered {counts['delivered']}, to retry {counts['retry']}, failed {counts['failed']}"
    )
    click.echo(json.dumps(counts) if as_json else summary)
