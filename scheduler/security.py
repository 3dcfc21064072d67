"""Login and role guards, security headers and production checks."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from config import INSECURE_DEFAULT_SECRET

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_ATTR = "_is_public"
ANY_ROLE_MAY_POST_ATTR = "_any_role_may_post"


def check_production_config(app: Flask) -> None:
    """Refuse to run in production with a missing or default secret key."""
    if app.config.get("ENV_NAME") != "production":
        return
    secret = app.config.get("SECRET_KEY") or ""
    if secret == INSECURE_DEFAULT_SECRET or len(secret) < 16:
        raise RuntimeError("SECRET_KEY must be set to a long random value in production")


def safe_next(target: str | None) -> str:
    """*target* when it is a path on this site, else the home page (no open redirects)."""
    is_local = target and target.startswith("/") and not target.startswith("//")
    if is_local and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("main.index")


def public(view):
    """Mark a view that needs no login (login page, partner-facing links)."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def any_role_may_post(view):
    """Mark a view every signed-in user may POST to (language switch, own profile)."""
    setattr(view, ANY_ROLE_MAY_POST_ATTR, True)
    return view


def roles_required(*roles: str):
    """Allow the view only to signed-in users holding one of *roles* (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _guard():
    if request.endpoint is None:
        return None
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, PUBLIC_ATTR, False):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    may_post = getattr(view, ANY_ROLE_MAY_POST_ATTR, False)
    if request.method not in SAFE_METHODS and not current_user.can_edit() and not may_post:
        abort(403)
    return None


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def register_security(app: Flask) -> None:
    app.before_request(_guard)
    app.after_request(_security_headers)
