"""`flask --app scheduler history …`: the exchange history from the command line."""

from flask.cli import AppGroup

from scheduler.history.attachments.cli import check_uploads_command
from scheduler.history.reports.cli import export_command
from scheduler.history.search.cli import reindex_command

history_cli = AppGroup("history", help="Exchange history: search index, exports, uploads.")
for command in (check_uploads_command, export_command, reindex_command):
    history_cli.add_command(command)
