"""The public feed (/calendars/<token>.ics) and the staff pages that make and manage feeds."""

import base64
import io
import os
from email.utils import format_datetime, parsedate_to_datetime

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from scheduler.auth.models import EDITOR_ROLES
from scheduler.contacts.models import Contact
from scheduler.db import now_utc
from scheduler.extensions import db
from scheduler.feeds import files, invalidation, services
from scheduler.feeds.forms import NewFeedForm
from scheduler.feeds.models import Feed
from scheduler.feeds.state import feed_state
from scheduler.feeds.tokens import install_log_filter, miss_limiter
from scheduler.partners.services import get_partner
from scheduler.security import public, roles_required

bp = Blueprint("feeds", __name__)
FEED_LANGUAGES = ("zh", "ko", "en")


# --- the feed itself ---------------------------------------------------------------------


def _miss():
    """The one answer for every bad link: 404, no hint; 429 once an address misses too often."""
    config = current_app.config
    miss_limiter.add_miss(request.remote_addr or "", float(config["FEED_MISS_WINDOW_SECONDS"]))
    return _plain(404, _("This page does not exist."))


def _plain(status: int, message: str) -> Response:
    """The same short text for every bad link (an HTML page would echo the path back)."""
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _not_modified_since(header: str | None, last_modified) -> bool:
    """True only for a well-formed date at or after *last_modified* (garbage → False)."""
    try:
        since = parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since is None or since.tzinfo is None:
        return False
    return last_modified <= since


def _gzip_etag(etag: str) -> str:
    """The strong ETag of the gzip-encoded representation (RFC 9110 §8.8.3: another one)."""
    return etag[:-1] + '-gzip"'


def _etag_matches(header: str, etag: str) -> bool:
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return bool(candidates & {"*", etag, _gzip_etag(etag)})


def _is_fresh(row) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, row.etag)
    return _not_modified_since(request.headers.get("If-Modified-Since"), row.last_modified)


def _validators(row, gzipped: bool) -> dict:
    return {
        "ETag": _gzip_etag(row.etag) if gzipped else row.etag,
        "Last-Modified": format_datetime(row.last_modified, usegmt=True),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Vary": "Accept-Encoding",
    }


def _body_response(served: services.Served, gzipped: bool) -> Response:
    """The stored body as the response, sent by the server's file wrapper (gunicorn: the
    kernel's sendfile) straight from the open file."""
    stream = files.open_gzipped(served.path, served.stream) if gzipped else served.stream
    response = Response(wrap_file(request.environ, stream), headers=_validators(served, gzipped),
                        direct_passthrough=True)  # fmt: skip
    response.content_type = "text/calendar; charset=utf-8"
    response.content_length = os.fstat(stream.fileno()).st_size
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.route("/calendars/<path:name>", methods=["GET"])
@public
def feed(name: str):
    """The feed: GET and HEAD (Flask answers HEAD with GET's headers); no Accept needed;
    gzip for clients that accept it (calendar fetchers do: a tenth of the bytes).

    An unchanged feed costs one indexed read (token, cached validators, change generation)
    and its body is a file on disk; only after a change is anything rebuilt.
    """
    config = current_app.config
    address = request.remote_addr or ""
    limit, window = int(config["FEED_MISS_LIMIT"]), float(config["FEED_MISS_WINDOW_SECONDS"])
    if miss_limiter.is_blocked(address, limit, window):
        return _plain(429, _("Too many attempts. Please wait a while and try again."))
    lang = request.args.get("lang")
    lang = lang if lang in FEED_LANGUAGES else None
    token = name.removesuffix(".ics") if name.endswith(".ics") else ""
    state = feed_state(token, lang)
    if state is None:
        return _miss()
    now = now_utc()
    if services.is_current(state, now) and _is_fresh(state):
        served = services.Served(state.etag, state.last_modified, None)  # 304: no body needed
    else:
        served = services.served_for(state, now)
    services.fetch_counter.add(state.id, request.headers.get("User-Agent", ""))
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()  # (an unchanged feed's request has no session: nothing to commit)
    gzipped = request.accept_encodings["gzip"] > 0
    if _is_fresh(served):
        if served.stream is not None:
            served.stream.close()
        return Response(status=304, headers=_validators(served, gzipped))
    return _body_response(served, gzipped)


# --- staff pages ---------------------------------------------------------------------------


def qr_data_uri(text: str) -> str:
    """A QR code of *text* as an SVG data: URI (the CSP allows img data:)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _show_once(feed: Feed, token: str, back: str):
    """The page that shows a new link exactly once; never cached."""
    links = {"https_url": services.feed_url(token), "webcal_url": services.webcal_url(token)}
    html = render_template("feeds/created.html", feed=feed, back=back,
                           qr=qr_data_uri(links["webcal_url"]), **links)  # fmt: skip
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to(feed: Feed) -> str:
    if feed.scope == "partner":
        return url_for("partners.show_partner", slug=feed.partner.slug)
    if feed.scope == "contact":
        return url_for("contacts.show_contact", contact_id=feed.contact_id)
    return url_for("admin.profile")


def _create(scope: str, owner, send_to_contact: bool = False):
    form = NewFeedForm()
    if not form.validate_on_submit():
        return _bad_request(_("Choose the calendar's language."))
    feed, token = services.create_feed(scope, owner, current_user, form.language.data)
    if send_to_contact and form.send_to_contact.data:
        from scheduler.feeds.messages import send_link_to_contact

        try:
            send_link_to_contact(feed, token)
        except services.FeedError as error:
            db.session.rollback()
            return _bad_request(error.message)
    db.session.commit()
    return _show_once(feed, token, _back_to(feed))


def _bad_request(message: str):
    return render_template("errors/error.html", code=400, message=message), 400


@bp.route("/feeds/partner/<slug>", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def create_partner_feed(slug: str):
    return _create("partner", get_partner(slug) or abort(404))


@bp.route("/feeds/contact/<int:contact_id>", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def create_contact_feed(contact_id: int):
    return _create("contact", db.get_or_404(Contact, contact_id), send_to_contact=True)


@bp.route("/feeds/me", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def create_my_feed():
    return _create("user", current_user._get_current_object())


@bp.route("/feeds/office", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def create_office_feed():
    return _create("office", None)


def _managed_feed(feed_id: int) -> Feed:
    """A feed the signed-in editor may rotate or revoke (someone's own feed: them or admins)."""
    feed = db.get_or_404(Feed, feed_id)
    if feed.revoked_at is not None:
        abort(404)
    if feed.scope == "user" and feed.user_id != current_user.id and current_user.role != "admin":
        abort(403)
    return feed


@bp.route("/feeds/<int:feed_id>/rotate", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def rotate(feed_id: int):
    feed = _managed_feed(feed_id)
    token = services.rotate_feed(feed)
    db.session.commit()
    flash(_("A new link has been made; the old one no longer works."), "success")
    return _show_once(feed, token, _back_to(feed))


@bp.route("/feeds/<int:feed_id>/revoke", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def revoke(feed_id: int):
    feed = _managed_feed(feed_id)
    services.revoke_feed(feed)
    db.session.commit()
    flash(_("The calendar link has been revoked."), "success")
    return redirect(_back_to(feed))


@bp.app_context_processor
def _feed_helpers():
    return {"feeds_of": services.feeds_of, "new_feed_form": NewFeedForm,
            "default_feed_language": services.default_language}  # fmt: skip


def init_app(app) -> None:
    """Register the blueprint and keep feed tokens out of the request log."""
    app.config.setdefault("FEED_MISS_LIMIT", 20)
    app.config.setdefault("FEED_MISS_WINDOW_SECONDS", 600)
    app.register_blueprint(bp)
    install_log_filter()
    invalidation.install()
