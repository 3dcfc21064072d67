"""`flask --app scheduler history …`: the exchange history from the command line."""

from flask.cli import AppGroup

history_cli = AppGroup("history", help="Exchange history: search index, exports.")

from scheduler.history.search_index import reindex_command  # noqa: E402 - after the group

history_cli.add_command(reindex_command)
