"""Home page, language switcher and the one search box."""

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory
from flask_login import current_user

from scheduler.history.dashboard import build_dashboard
from scheduler.i18n import LOCALE_COOKIE, normalize_locale, viewer_zone
from scheduler.main.search import search_everything
from scheduler.pagecache import kept_page
from scheduler.partners.services import partner_overview
from scheduler.security import any_role_may_post, public, safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@kept_page
def index():
    """The dashboard, with the partner overview further down."""
    dashboard = build_dashboard(current_user, viewer_zone())
    return render_template("main/index.html", overview=partner_overview(), dashboard=dashboard)


@bp.route("/favicon.ico")
@public
def favicon():
    """The icon browsers fetch from the root, also for pages that link none (reports, errors)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.route("/language", methods=["POST"])
@public
@any_role_may_post
def set_language():
    lang = normalize_locale(request.form.get("lang")) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        current_user.locale = lang
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(
        LOCALE_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/search")
def search():
    query = request.args.get("q", "").strip()[:100]
    results = search_everything(query) if query else None
    return render_template("main/search.html", query=query, results=results)
