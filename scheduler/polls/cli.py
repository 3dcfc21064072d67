"""`flask --app scheduler polls list [--open] | remind POLL_ID`.

Output is English like the other commands: refusals are rendered under force_locale("en").
"""

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from scheduler.audit.services import set_actor
from scheduler.extensions import db
from scheduler.i18n import localized
from scheduler.polls import reminders
from scheduler.polls.models import Poll, PollStatus
from scheduler.polls.services import PollError, closing_day
from scheduler.transaction import commits

polls_cli = AppGroup("polls", help="Time polls: list them, remind those who have not answered.")


def poll_line(poll: Poll) -> str:
    """``   7  open       2030-12-05       1/2  <title>``: id, status, closing date (the meeting's
    clock), answered of asked, the meeting's title."""
    answered = sum(1 for i in poll.invitees if i.answered_at is not None)
    title = localized(poll.meeting, "title", "en")
    counts = f"{answered}/{len(poll.invitees)}"
    return f"{poll.id:>4}  {poll.status:<9}  {closing_day(poll).isoformat()}  {counts:>8}  {title}"


@polls_cli.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only the polls still open.")
def list_command(only_open):
    """Every time poll, newest first: id, status, closes on, answered/asked, meeting."""
    query = sa.select(Poll).order_by(Poll.id.desc())
    if only_open:
        query = query.where(Poll.status == PollStatus.OPEN)
    found = db.session.scalars(query).all()
    if not found:
        click.echo("No open time polls." if only_open else "No time polls.")
        return
    click.echo(f"{'ID':>4}  {'STATUS':<9}  {'CLOSES ON':<10}  {'ANSWERED':>8}  MEETING")
    for poll in found:
        click.echo(poll_line(poll))


@polls_cli.command("remind")
@click.argument("poll_id", type=int)
@commits
def remind_command(poll_id):
    """Remind everyone asked in POLL_ID who has not answered."""
    set_actor(db.session, None)
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise click.ClickException(f"no time poll has the id {poll_id}")
    try:
        count = reminders.remind(poll)
    except PollError as error:
        with force_locale("en"):
            raise click.ClickException(str(error)) from error
    click.echo(f"Reminded {count} {'person' if count == 1 else 'people'}.")
