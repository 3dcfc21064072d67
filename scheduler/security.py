"""Login and role guards, security headers, and the secret key (generated, stored, checked)."""

import hashlib
import hmac
import os
import secrets
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSECURE_DEFAULT_SECRET, TestingConfig
from scheduler.text import first_control

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_ATTR = "_is_public"
ANY_ROLE_MAY_POST_ATTR = "_any_role_may_post"
MIN_SECRET_KEY_BYTES = 32
SECRET_KEY_BYTES = 48  # a generated key: 64 URL-safe characters
KNOWN_SECRETS = frozenset({INSECURE_DEFAULT_SECRET, TestingConfig.SECRET_KEY})


def write_private_file(path: Path, text: str) -> None:
    """Write *text* to *path* readable and writable by the owner only (mode 0600), creating
    the folder if needed; an existing file is replaced in place, a symlink is refused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # also when the file was there with a wider mode
        file.write(text)


def load_or_create_secret_key(path: Path) -> tuple[str, bool]:
    """The secret key stored in *path*, or a new random one written there first (mode 0600),
    and whether this call created it.

    Processes starting together (gunicorn workers) agree on one key: the new key is written to
    a private temporary file and hard-linked into place, which fails if another won the race.
    """
    if path.exists():
        return _read_secret_key(path), False
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    write_private_file(temporary, secrets.token_urlsafe(SECRET_KEY_BYTES) + "\n")
    try:
        os.link(temporary, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        temporary.unlink()
    return _read_secret_key(path), created


def _read_secret_key(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"{path} holds no SECRET_KEY of {MIN_SECRET_KEY_BYTES} bytes or more: "
            "delete it and a new one will be generated"
        )
    return key


def configure_secret_key(app: Flask) -> None:
    """Give a development app without SECRET_KEY its own stored random key, then refuse a
    known or short key in every configuration but testing (clear error at startup)."""
    config = app.config
    if config.get("ENV_NAME") == "development" and not config.get("SECRET_KEY"):
        path = Path(config["SECRET_KEY_FILE"])
        config["SECRET_KEY"], created = load_or_create_secret_key(path)
        if created:
            app.logger.warning("Generated a random SECRET_KEY into %s (kept for later runs)", path)
    check_secret_key(config)


def check_secret_key(config) -> None:
    """Raise RuntimeError unless SECRET_KEY is a private key of MIN_SECRET_KEY_BYTES or more
    (the testing configuration keeps its fixed key)."""
    if config.get("ENV_NAME") == "testing":
        return
    secret = config.get("SECRET_KEY") or ""
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    if not secret:
        problem = "is not set"
    elif secret.decode(errors="replace") in KNOWN_SECRETS:
        problem = "is a publicly known value"
    elif len(secret) < MIN_SECRET_KEY_BYTES:
        problem = f"is shorter than {MIN_SECRET_KEY_BYTES} bytes"
    else:
        return
    raise RuntimeError(
        f"SECRET_KEY {problem}. Set it to a long random value, for example the output of: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )


def derived_key(label: bytes) -> bytes:
    """A 32-byte key of its own for one use (named by *label*): HMAC-SHA256(SECRET_KEY,
    label). It reveals nothing of SECRET_KEY, differs per label and changes with SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, label, hashlib.sha256).digest()


def safe_next(target: str | None) -> str:
    """*target* when it is a path on this site, else the home page (no open redirects)."""
    is_local = target and target.startswith("/") and not target.startswith("//")
    # No control character (a CR LF above all): it could never be sent in a Location header.
    clean = is_local and first_control(target) is None and "\\" not in target
    if clean and not urlsplit(target).netloc:
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
    if response.mimetype == "text/html" and current_user.is_authenticated:
        # A signed-in page shows names and addresses: no copy in the browser's or a proxy's
        # cache for the next person at that computer (Back after sign-out shows nothing).
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_nul() -> None:
    """A NUL in the address or its query has no use, and PostgreSQL cannot even compare one:
    in the path it names nothing (404), in the query it is a bad request (400), both before
    any view reads it. (A form names its field instead.)"""
    if any(_has_nul(value) for value in (request.view_args or {}).values()):
        abort(404)
    if any(_has_nul(value) for pair in request.args.items(multi=True) for value in pair):
        abort(400)


def _has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def register_security(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.before_request(_guard)
    app.after_request(_security_headers)


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from X-Forwarded-For / -Proto only when
    TRUSTED_PROXY_COUNT names how many proxies stand in front of the app (each appends one
    entry; the rightmost that many are believed). 0, the default, believes no such header:
    a client could otherwise name any address and escape every per-address limit."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count < 0:
        raise RuntimeError("TRUSTED_PROXY_COUNT must be 0 or more")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
