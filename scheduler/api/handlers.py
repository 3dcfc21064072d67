"""Every error under /api/v1 answered as a problem document, also the library's own (webargs'
422 with its messages) and the router's (404, 405 for addresses that match no view)."""

from flask import Flask, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from scheduler.api.parsing import MALFORMED, field_reasons
from scheduler.api.problems import problem
from scheduler.api.representations import conflict_json
from scheduler.errors import UserError, answer_under
from scheduler.transaction import SAFE_METHODS, abandon

API_PREFIX = "/api/"


def _keep_nothing() -> None:
    """A refused change keeps nothing: not even what a service flushed before it refused,
    nor the token's last use (which would otherwise commit the whole transaction)."""
    if request.method not in SAFE_METHODS:
        abandon()


def http_problem(error: HTTPException):
    """The problem for an HTTPException raised in an API view (abort, webargs)."""
    _keep_nothing()
    if error.response is not None:  # a problem made by the view itself (`form_input`)
        return error.response
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if not messages:
        response = problem(error.code or 500)
    else:
        reasons = field_reasons(messages)
        status = 400 if MALFORMED & set(reasons.values()) else error.code
        if messages == {"json": ["Invalid JSON body."]}:  # webargs: the body as a whole
            reasons = {"body": "invalid"}
        response = problem(status, reasons)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def user_error_problem(error: UserError):
    """A domain refusal (a service's UserError) as a problem with its translated message;
    clashes are listed in ``conflicts``, ``overridable`` saying whether an override_reason
    would let the booking stand (people, never an interpreter or a room)."""
    clashes = [conflict_json(c) for c in error.conflicts]  # read before the rollback
    _keep_nothing()
    if clashes:
        extra = {"overridable": all(c["overridable"] for c in clashes), "conflicts": clashes}
        return problem(409, detail=error.message, variant="scheduling-conflict", extra=extra)
    return problem(error.status, detail=error.message)


def stale_problem(_error: StaleDataError):
    """Another change saved the meeting first (the optimistic lock): 412, nothing changed."""
    _keep_nothing()
    return problem(412)


def register_problem_handlers(blueprints) -> None:
    """Problems for whatever the API's views raise (once, when the blueprints are made)."""
    for bp in blueprints:
        bp.register_error_handler(HTTPException, http_problem)
        bp.register_error_handler(UserError, user_error_problem)
        bp.register_error_handler(StaleDataError, stale_problem)


def answer_problems_under_api(app: Flask) -> None:
    """Problems, through `scheduler.errors`, for anything under /api/ that the page handlers
    would answer (routing 404 and 405, 413, 500, 503)."""
    answer_under(app, API_PREFIX, _app_level)


def _app_level(code: int, error):
    if isinstance(error, HTTPException) and request.blueprint is not None:
        return http_problem(error)
    response = problem(code)
    if code == 405 and isinstance(error, HTTPException) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
