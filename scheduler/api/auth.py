"""Bearer tokens, the only way in: a session cookie is ignored under /api/v1, so a page open
in a browser can never be made to call the API for its user (which is also why the API needs
no CSRF token: a request without a valid bearer token never reaches a view)."""

from flask import abort, current_app, g, request
from flask_login import current_user

from scheduler.api.tokens.services import authenticate, note_use
from scheduler.auth.models import EDITOR_ROLES
from scheduler.transaction import keep_changes


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate_request() -> None:
    """Before every API view: the token's user becomes `current_user` for this request, or
    401 with one message for every failure (missing, malformed, unknown, revoked, expired,
    or a deactivated user: no hint which)."""
    token = authenticate(_bearer_secret() or "")
    if token is None:
        # Whatever the session cookie said: it does not count here.
        g._login_user = current_app.login_manager.anonymous_user()
        abort(401)
    g._login_user = token.user  # Flask-Login's place for the request's user
    g.api_token = token
    if note_use(token):
        keep_changes()  # the last use is kept even on a GET (nothing else is changed then)


def require_write() -> None:
    """403 unless the token has the write scope and its user may change things: a token
    never does more than its user could on the pages."""
    if g.api_token.scope != "write" or current_user.role not in EDITOR_ROLES:
        abort(403)


def unauthorized_headers(response):
    """A 401 names the scheme, as RFC 9110 asks."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
