"""The one commit point: a request or a command commits at its end, never the code inside it.

Services change the session and `flush()`; the boundary decides. A POST (or PUT, PATCH,
DELETE) that answers below 400 commits; any other answer, any GET or HEAD, or an exception,
rolls back (Flask-SQLAlchemy removes the session at teardown): a GET never changes state. A
view that must keep a change anyway (a failed sign-in is recorded and answered 401; a feed
fetch is counted) says so with `keep_changes()`. `save()` is the usual
shape of a form post: run the change, and on a `UserError` roll back, flash its message and
answer the form again. CLI commands wear `@commits`. Jobs commit per unit of work themselves
(documented where they do).
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, Response, flash, g, request
from sqlalchemy.orm.exc import StaleDataError

from scheduler.errors import StaleEdit, UserError
from scheduler.extensions import db

T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def keep_changes() -> None:
    """Commit this request's changes even though it is a GET or answers an error status."""
    g.keep_changes = True


def abandon() -> None:
    """Roll back the request's transaction and forget `keep_changes()`: a request that failed
    keeps nothing (the error handlers call this first)."""
    g.pop("keep_changes", None)
    if db.session.registry.has():
        db.session.rollback()


def _open_session():
    """The request's session if one was opened and holds a transaction, else None."""
    if not db.session.registry.has():
        return None
    session = db.session()
    return session if session.in_transaction() else None


def _commit_point(response: Response) -> Response:
    # Nothing to do otherwise: Flask-SQLAlchemy removes the session at teardown, which rolls
    # back whatever was left uncommitted.
    if g.pop("keep_changes", False) or (
        request.method not in SAFE_METHODS and response.status_code < 400
    ):
        session = _open_session()
        if session is not None:
            session.commit()
    return response


def register_commit_point(app: Flask) -> None:
    """Commit at the end of every request that went well (see the module's docstring)."""
    app.after_request(_commit_point)


def save(
    change: Callable[[], T],
    done: Callable[[T], object],
    again: Callable[[UserError], object],
    message: str | None = None,
):
    """Run *change*; answer ``done(result)`` and flash *message*, to be committed.

    On a `UserError` the session is rolled back, the error's message flashed (when it has
    one) and ``again(error)`` answered with the error's status (409 for conflicts). A lost
    optimistic-lock race (StaleDataError) is answered the same way, as a `StaleEdit` (409).
    """
    try:
        result = change()
    except (UserError, StaleDataError) as caught:
        db.session.rollback()
        # The optimistic lock (a meeting's `version`) found the row changed by another request.
        error = caught if isinstance(caught, UserError) else StaleEdit()
        if error.message is not None:
            flash(str(error.message), "error")
        return again(error), error.status
    if message:
        flash(message, "success")
    return done(result)


def commits(command: Callable) -> Callable:
    """Commit when the CLI *command* returns; roll back when it raises (then re-raise)."""

    @wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run
