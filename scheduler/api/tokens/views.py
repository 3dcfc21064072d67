"""The profile page's API token section: create (shown once), revoke. Every user manages
their own tokens only; the list itself is drawn by templates/api/_tokens_panel.html."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.api.tokens import services
from scheduler.api.tokens.forms import SCOPE_NAMES, NewTokenForm
from scheduler.api.tokens.models import ApiToken
from scheduler.extensions import db
from scheduler.forms import select_choices
from scheduler.security import any_role_may_post

bp = Blueprint("api_tokens", __name__)


def new_token_form() -> NewTokenForm:
    """The form, offering write access only to those who may change things."""
    form = NewTokenForm()
    if not current_user.can_edit():
        form.scope.choices = select_choices([("read", SCOPE_NAMES["read"])])
    return form


@bp.app_context_processor
def _token_helpers():
    return {
        "api_tokens_of": services.tokens_of,
        "api_token_status": services.token_status,
        "new_api_token_form": new_token_form,
        "api_scope_names": SCOPE_NAMES,
    }


@bp.route("/profile/api-tokens", methods=["POST"])
@any_role_may_post
def create():
    form = new_token_form()
    if not form.validate_on_submit():
        flash(_("The token was not created: check its name, access and days."), "error")
        return redirect(url_for("admin.profile") + "#api-tokens")
    user = current_user._get_current_object()
    days = form.expires_days.data
    _token, secret = services.create_token(user, form.name.data, form.scope.data, days)
    html = render_template("api/token_created.html", secret=secret)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response  # committed by the commit point


@bp.route("/profile/api-tokens/<int:token_id>/revoke", methods=["POST"])
@any_role_may_post
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    flash(_("The API token has been revoked."), "success")
    return redirect(url_for("admin.profile") + "#api-tokens")
