"""The administrators' webhook pages: the endpoints, a new one (its secret shown once), and
one endpoint's settings with its recent deliveries. Administrators only; others get 403."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from scheduler.api.webhooks import services
from scheduler.api.webhooks.forms import EndpointForm
from scheduler.api.webhooks.models import EVENT_NAMES, STATUS_NAMES, WebhookEndpoint
from scheduler.errors import UserError
from scheduler.extensions import db
from scheduler.security import roles_required
from scheduler.timefmt import format_when

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _when(moment) -> str:
    return format_when(moment, current_user.timezone) if moment else ""


def _refused(form: EndpointForm, error: UserError) -> None:
    """Roll back and show *error* at its field (the URL unless it names another)."""
    db.session.rollback()
    form[error.field if error.field in form else "url"].errors.append(error.message)


@bp.route("/")
@roles_required("admin")
def list_endpoints():
    """Every endpoint with its deliveries counted by status."""
    return render_template(
        "api/webhooks/list.html",
        endpoints=services.endpoints_with_counts(),
        EVENT_NAMES=EVENT_NAMES,
        STATUS_NAMES=STATUS_NAMES,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def new_endpoint():
    """Register an endpoint; the next page shows its secret, this once."""
    form = EndpointForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            endpoint, secret = services.create_endpoint(form.url.data, form.events.data, user)
        except UserError as error:
            _refused(form, error)
        else:
            html = render_template("api/webhooks/created.html", endpoint=endpoint, secret=secret)
            response = make_response(html)
            response.headers["Cache-Control"] = "no-store"
            return response  # committed by the commit point
    status = 400 if form.errors else 200
    return render_template("api/webhooks/form.html", form=form, endpoint=None), status


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
@roles_required("admin")
def show_endpoint(endpoint_id: int):
    """An endpoint's settings (change, deactivate) and its recent deliveries."""
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = EndpointForm(obj=endpoint, events=endpoint.event_list)
    if form.validate_on_submit():
        try:
            services.update_endpoint(endpoint, form.url.data, form.events.data, form.active.data)
        except UserError as error:
            _refused(form, error)
            endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        else:
            flash(_("The webhook endpoint has been saved."), "success")
            return redirect(url_for("webhooks.show_endpoint", endpoint_id=endpoint.id))
    return render_template(
        "api/webhooks/form.html",
        form=form,
        endpoint=endpoint,
        deliveries=services.recent_deliveries(endpoint),
        STATUS_NAMES=STATUS_NAMES,
        EVENT_NAMES=EVENT_NAMES,
        when=_when,
    ), 400 if form.errors else 200
