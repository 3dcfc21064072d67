"""The base of every error a person can fix, the import row limit, the translated error pages.

The error pages never fail: they are rendered without the database (no signed-in user is
loaded, no context processor runs), after the request's transaction was rolled back; a
database outage answers 503 with Retry-After and one log line (`scheduler.outage`); and if
even the template cannot be rendered, a fixed page in the three languages is sent.
"""

import logging
from collections.abc import Callable

from flask import Flask, Response, abort, current_app, request
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import InternalServerError

from scheduler.i18n import language_without_database
from scheduler.outage import is_database_outage, outages

log = logging.getLogger("scheduler.errors")


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


class StaleEdit(UserError):
    """A change made from a form opened on an older version of the record: someone else
    saved in between (the version the form carries differs, or the optimistic lock's UPDATE
    found the row changed). Answered 409; nothing of the stale form is saved."""

    def __init__(self, message=None):
        super().__init__(message or STALE_MESSAGE, status=409)


STALE_MESSAGE = _l(
    "Someone else changed this meeting after you opened the form. Nothing of yours was saved."
)


def child_or_404(rows, ident: int):
    """The row among *rows* (a parent's children) whose id is *ident*; 404 when there is none,
    also for a real row of another parent reached through this parent's URL."""
    found = next((row for row in rows if row.id == ident), None)
    if found is None:
        abort(404)
    return found


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
    503: _l("The system is briefly unavailable. Please try again in a few minutes."),
}
# Sent when even the template fails (the message in the three languages, no template).
LAST_RESORT = (
    '<!doctype html><html><head><meta charset="utf-8"><title>{code}</title></head><body>'
    '<h1>{code}</h1><p lang="zh">系统暂时无法使用，请稍后再试。</p>'
    '<p lang="ko">시스템을 잠시 이용할 수 없습니다. 잠시 후 다시 시도해 주십시오.</p>'
    '<p lang="en">The system is briefly unavailable. Please try again later.</p></body></html>'
)


class SchedulerFlask(Flask):
    """Flask, except that a database outage is not logged with a traceback per request:
    the error handler logs it as one counted line (`scheduler.outage`)."""

    def log_exception(self, exc_info) -> None:
        if not is_database_outage(exc_info[1]):
            super().log_exception(exc_info)


def error_page(code: int, message=None, lang: str | None = None) -> str:
    """The translated error page as HTML, rendered without touching the database: only the
    template's own helpers, no context processor (Flask-Login's would load the user)."""
    lang = lang or language_without_database()
    template = current_app.jinja_env.get_template("errors/page.html")
    with force_locale(lang):
        return template.render(code=code, message=str(message or MESSAGES[code]), lang=lang)


def _reader_language() -> str:
    """For a refusal (4xx, the database is up): the usual choice, which may load the signed-in
    user; if even that fails, the choice made without the database."""
    try:
        return str(get_locale().language)
    except Exception:
        log.warning("the reader's language could not be found", exc_info=True)
        return language_without_database()


def _answer(code: int, message=None, lang: str | None = None) -> Response:
    try:
        body = error_page(code, message, lang)
    except Exception:  # the page of last resort must not fail in turn
        log.exception("the error page could not be rendered")
        body = LAST_RESORT.format(code=code)
    return Response(body, code, mimetype="text/html")


def answer_under(app: Flask, prefix: str, answer: Callable[[int, object], Response]) -> None:
    """Let *answer(code, error)* answer every error of a request whose path starts with
    *prefix* instead of the HTML page (the JSON API's problem documents); the transaction is
    rolled back before, as for the pages."""
    app.extensions.setdefault("error_answers", {})[prefix] = answer


def _answer_elsewhere(code: int, error) -> Response | None:
    answers = current_app.extensions.get("error_answers", {})
    for prefix, answer in answers.items():
        if request.path.startswith(prefix):
            return answer(code, error)
    return None


def _refusal(code: int, message=None, error=None) -> Response:
    elsewhere = _answer_elsewhere(code, error)
    if elsewhere is not None:
        return elsewhere
    return _answer(code, message, _reader_language())


def _failure(error: BaseException, roll_back: Callable[[], None]) -> Response:
    """The answer to an unhandled exception: 503 and Retry-After for a database outage,
    else 500; the transaction is rolled back before anything else is tried."""
    original = getattr(error, "original_exception", None) or error
    try:  # before the rollback expires the signed-in user
        lang = language_without_database()
    except Exception:
        lang = None  # error_page tries once more, then the page of last resort
    try:
        roll_back()
    except Exception:  # a dead connection may refuse even that; the session is discarded
        log.warning("rolling back after a failed request failed too", exc_info=True)
    if not is_database_outage(original):
        return _answer_elsewhere(500, error) or _answer(500, lang=lang)
    outages.failure(original, request.endpoint or "unknown endpoint")
    response = _answer_elsewhere(503, error) or _answer(503, lang=lang)
    response.headers["Retry-After"] = str(int(current_app.config["OUTAGE_RETRY_AFTER_SECONDS"]))
    return response


def register_errors(app: Flask, roll_back: Callable[[], None]) -> None:
    """The translated error pages; *roll_back* abandons the request's transaction."""
    for code in MESSAGES:
        if code < 500:
            app.register_error_handler(code, lambda e, code=code: _refusal(code, error=e))
    app.register_error_handler(InternalServerError, lambda e: _failure(e, roll_back))

    @app.errorhandler(StaleDataError)
    def _stale(_error):
        # A lost optimistic-lock race outside `transaction.save` (whose views show what
        # changed): roll back and say so, never a 500.
        roll_back()
        return _refusal(409, STALE_MESSAGE)

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return _refusal(
            400,
            _l(
                "The form has expired or is missing its security token. "
                "Please reload the page and try again."
            ),
        )
