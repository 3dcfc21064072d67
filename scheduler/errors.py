"""The base of every error a person can fix, the import row limit, the translated error pages."""

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError


class UserError(ValueError):
    """A change that cannot be made as asked; *message* is translated for the person.

    Domain errors subclass this, so the commit point (`scheduler.transaction`) can roll back
    and answer every one of them the same way: *status* (409 when there are *conflicts*),
    the message flashed, and *field* naming the input to mark when there is one.
    """

    def __init__(self, message=None, conflicts=(), status: int = 400, field: str | None = None):
        # The message stays lazy: it may be made outside a request (a CLI command) and is
        # translated when shown.
        super().__init__(message if message is not None else "")
        self.message = message
        self.conflicts = list(conflicts)
        self.status = 409 if self.conflicts else status
        self.field = field

    def __str__(self) -> str:
        return str(self.message) if self.message is not None else ""


def import_max_rows() -> int:
    """The most non-blank rows below the header an import file may hold (IMPORT_MAX_ROWS)."""
    return int(current_app.config["IMPORT_MAX_ROWS"])


def too_many_rows(limit: int) -> LazyString:
    """The reason a file with more than *limit* rows below its header is refused."""
    return _l(
        "The file has more than %(max)d rows below the header. "
        "Split it into smaller files and import them one at a time.",
        max=limit,
    )


MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered."),
    403: _l("You do not have permission to do this."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The uploaded file is too large."),
    429: _l("Too many attempts. Please wait a while and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def _render(code: int, message=None):
    return render_template("errors/error.html", code=code, message=message or MESSAGES[code]), code


def register_errors(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return _render(
            400,
            _l(
                "The form has expired or is missing its security token. "
                "Please reload the page and try again."
            ),
        )
