"""`flask --app scheduler history …`: the exchange history from the command line."""

from flask.cli import AppGroup

history_cli = AppGroup("history", help="Exchange history: search index, exports.")
import scheduler.history.exports_cli  # noqa: E402,F401 - `history export` (timeline/reports)
