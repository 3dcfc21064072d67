"""`flask --app scheduler history reindex`: rebuild the search index from the meetings."""

import click
from flask.cli import with_appcontext

from scheduler.extensions import db
from scheduler.history.search.index import reindex
from scheduler.transaction import commits


@click.command("reindex")
@with_appcontext
@commits
def reindex_command():
    """Rebuild the search index of every meeting and its outcome."""
    count = reindex(db.session.connection())
    click.echo(f"search index: {count} meetings indexed")
