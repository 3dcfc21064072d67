"""One log filter that keeps link secrets out of every log line.

Some links carry their credential in the path, because their readers cannot sign in: a
calendar feed (``/calendars/<token>.ics``), an invitation's answer link (``/rsvp/<token>``)
and a time poll's answer link (``/polls/<token>``). Such a path reaches logs in request
lines (werkzeug, gunicorn's access log, also as the Referer of the assets a page loads), in
Flask's "Exception on <path>" error log, and in exception texts. `RedactSecrets` rewrites
each record, its message, exception text and stack, before any handler formats it;
`install_log_redaction` puts it on every logger and handler the app uses. A new route
whose path holds a secret is added to `SECRET_PATHS`
(tests/test_log_redaction.py checks that every public route with a path argument is listed).
"""

import logging
import re

from flask import Flask

# First path segment of a secret-bearing link → what its secret is replaced with.
SECRET_PATHS = {"calendars": "[redacted].ics", "rsvp": "[redacted]", "polls": "[redacted]"}
# The prefix also when percent-encoded (a `next=` parameter); the secret runs to the end of
# the path: whitespace, a quote, a bracket or the start of the query string.
_SECRET_PATH = re.compile(
    r"(?P<prefix>(?:/|%2f)(?P<name>" + "|".join(SECRET_PATHS) + r")(?:/|%2f))"
    r"[^\s\"'<>()\[\]?#&]+",
    re.IGNORECASE,
)
# Loggers that log requests or errors whatever the handlers are; werkzeug adds its handler
# only when it first logs, so a filter on its handlers would come too late.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """*text* with the secret of every secret-bearing path replaced by a placeholder."""
    return _SECRET_PATH.sub(lambda m: m["prefix"] + SECRET_PATHS[m["name"].lower()], text)


class RedactSecrets(logging.Filter):
    """Rewrites a log record so that no link secret reaches a handler (always lets it pass)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "secrets_redacted", False):
            return True
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatted here, as any formatter would, so the traceback text is redacted too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.secrets_redacted = True
        return True


def _add_once(target: logging.Logger | logging.Handler) -> None:
    if not any(isinstance(f, RedactSecrets) for f in target.filters):
        target.addFilter(RedactSecrets())


def install_log_redaction(app: Flask | None = None) -> None:
    """Put `RedactSecrets` on the request loggers, *app*'s logger and its module loggers, and
    on every handler attached so far (root's included, which every logger propagates to).
    Idempotent: tests build many apps; a command that adds a handler calls it again."""
    loggers = [logging.getLogger(name) for name in REQUEST_LOGGERS]
    if app is not None:
        # app.logger attaches Flask's default handler on first use; the module loggers
        # (`getLogger(__name__)`) exist once the app's modules are imported.
        prefix = app.logger.name + "."
        loggers.append(app.logger)
        known = list(logging.root.manager.loggerDict.items())
        loggers += [log for name, log in known if name.startswith(prefix)]
    loggers = [log for log in loggers if isinstance(log, logging.Logger)]
    for log in [*loggers, logging.getLogger()]:
        _add_once(log)
        for handler in log.handlers:
            _add_once(handler)
