"""What every changing operation checks first, before its body is read: the write scope
(a viewer's or a read-scope token: 403), a JSON body (415) and its size (413)."""

from functools import wraps

from flask import abort, current_app, request

from scheduler.api.auth import require_write

DEFAULT_MAX_BODY = 64 * 1024


def max_body_bytes() -> int:
    """The largest request body the API reads (API_MAX_BODY_BYTES)."""
    return int(current_app.config.get("API_MAX_BODY_BYTES", DEFAULT_MAX_BODY))


def _check_body() -> None:
    limit = max_body_bytes()
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    request.max_content_length = limit  # a body sent without a length is cut off there too
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    if has_body and not request.is_json:
        abort(415)


def write_operation(view):
    """Run *view* only for a write token of an editor, with a JSON body of a fit size."""

    @wraps(view)
    def run(*args, **kwargs):
        require_write()
        _check_body()
        return view(*args, **kwargs)

    return run
