"""`flask --app scheduler replies fetch|ingest`: read calendar replies now."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from scheduler.invites.replies.mailbox import MailboxError, fetch_once, process

replies = AppGroup("replies", help="Partners' answers from their calendars (the office mailbox).")


def describe(outcome: str, row) -> str:
    """One line about what became of a message: ``applied``, ``review (sender)`` …"""
    if outcome == "not_itip":
        return "not a calendar reply; left alone"
    if outcome == "seen":
        return "already processed; nothing changed"
    return f"{row.status} ({row.reason})" if row.reason else row.status


@replies.command("fetch")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def fetch_command(as_json):
    """Poll the office mailbox once (IMAP_HOST, IMAP_FOLDER) and file what was read."""
    try:
        counts = fetch_once()
    except MailboxError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(counts.as_dict()))
        return
    for uid, outcome, row in counts.outcomes:
        click.echo(f"message {uid}: {describe(outcome, row)}")
    click.echo(
        f"processed {counts.processed}, already processed {counts.duplicates}, "
        f"left alone {counts.left_alone}"
    )


@replies.command("ingest")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def ingest_command(files):
    """Process saved messages (.eml), each in its own transaction, as if fetched."""
    for path in files:
        outcome, row = process(path.read_bytes())
        click.echo(f"{path}: {describe(outcome, row)}")
