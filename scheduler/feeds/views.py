"""The public feed (/calendars/<token>.ics) and the staff pages that make and manage feeds."""

import base64
import io
from email.utils import format_datetime, parsedate_to_datetime

import segno
from flask import (
    Blueprint,
    Response,
    abort,
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
from scheduler.extensions import db
from scheduler.feeds import services
from scheduler.feeds.cache import Served, Validators, body_size, open_gzipped, serve
from scheduler.feeds.forms import NewFeedForm
from scheduler.feeds.messages import send_link_to_contact
from scheduler.feeds.models import Feed
from scheduler.feeds.tokens import note_miss, too_many_misses
from scheduler.partners.services import get_partner
from scheduler.security import public, roles_required
from scheduler.sides import LANGUAGES

bp = Blueprint("feeds", __name__)


# --- the feed itself ---------------------------------------------------------------------


def _miss():
    """The one answer for every bad link: 404, no hint; 429 once an address has missed too
    often (and then nothing more is counted or written)."""
    address = request.remote_addr or ""
    if too_many_misses(address):
        return _plain(429, _("Too many attempts. Please wait a while and try again."))
    note_miss(address)
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


def _is_fresh(row: Validators) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, row.etag)
    return _not_modified_since(request.headers.get("If-Modified-Since"), row.last_modified)


def _validators(row: Validators, gzipped: bool) -> dict:
    return {
        "ETag": _gzip_etag(row.etag) if gzipped else row.etag,
        "Last-Modified": format_datetime(row.last_modified, usegmt=True),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Vary": "Accept-Encoding",
    }


def _body_response(served: Served, gzipped: bool) -> Response:
    """The stored body as the response, sent by the server's file wrapper (gunicorn: the
    kernel's sendfile) straight from the open file."""
    stream = open_gzipped(served.path, served.stream) if gzipped else served.stream
    body = wrap_file(request.environ, stream)
    headers = _validators(served, gzipped)
    response = Response(body, headers=headers, direct_passthrough=True)
    response.content_type = "text/calendar; charset=utf-8"
    response.content_length = body_size(stream)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.route("/calendars/<path:name>", methods=["GET"])
@public
def feed(name: str):
    """The feed: GET and HEAD (Flask answers HEAD with GET's headers); no Accept needed;
    gzip for clients that accept it (calendar fetchers do: a tenth of the bytes).

    The cache decides what to send (`scheduler.feeds.cache.serve`); this view only speaks
    HTTP: 404 (429 after too many misses; a valid link is always served), conditional
    requests, gzip.
    """
    lang = request.args.get("lang")
    lang = lang if lang in LANGUAGES else None
    token = name.removesuffix(".ics") if name.endswith(".ics") else ""
    served = serve(token, lang, request.headers.get("User-Agent", ""), _is_fresh)
    if served is None:
        return _miss()
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
    qr = qr_data_uri(links["webcal_url"])
    html = render_template("feeds/created.html", feed=feed, back=back, qr=qr, **links)
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
        try:
            send_link_to_contact(feed, token)
        except services.FeedError as error:
            db.session.rollback()
            return _bad_request(error.message)
    return _show_once(feed, token, _back_to(feed))  # committed by the commit point


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
    flash(_("A new link has been made; the old one no longer works."), "success")
    return _show_once(feed, token, _back_to(feed))


@bp.route("/feeds/<int:feed_id>/revoke", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def revoke(feed_id: int):
    feed = _managed_feed(feed_id)
    services.revoke_feed(feed)
    flash(_("The calendar link has been revoked."), "success")
    return redirect(_back_to(feed))


@bp.app_context_processor
def _feed_helpers():
    return {
        "feeds_of": services.feeds_of,
        "new_feed_form": NewFeedForm,
        "default_feed_language": services.default_language,
    }


def init_app(app) -> None:
    """Register the blueprint (the cache's session hooks are installed with the other model
    listeners: `register_models`; feed tokens are kept out of logs by `scheduler.redaction`)."""
    app.config.setdefault("FEED_MISS_LIMIT", 20)
    app.config.setdefault("FEED_MISS_WINDOW_SECONDS", 600)
    app.register_blueprint(bp)
