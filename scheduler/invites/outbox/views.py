"""The staff outbox page: mail waiting, sent or failed, newest first; resend failed ones.

Coordinators and admins only: the page shows partners' addresses and every meeting's
subject, and only they act on mail. Viewers get 403.
"""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from scheduler.auth.models import EDITOR_ROLES
from scheduler.extensions import db, paginate
from scheduler.invites.outbox.delivery import resend, superseded
from scheduler.invites.outbox.models import STATUS_NAMES, OutboxMessage
from scheduler.security import roles_required
from scheduler.timefmt import format_when

bp = Blueprint("outbox", __name__, url_prefix="/outbox")
SUPERSEDED = _l(
    "A newer invitation for this meeting was queued for this person after this one; "
    "sending this one again would show them an out-of-date version."
)
PER_PAGE = 50


def _status_filter() -> str:
    status = request.args.get("status", "")
    return status if status in STATUS_NAMES else ""


def _render(status: str, http_status: int = 200):
    query = sa.select(OutboxMessage).order_by(
        OutboxMessage.created_at.desc(), OutboxMessage.id.desc()
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    page = paginate(query, per_page=PER_PAGE)
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "invites/outbox/list.html",
        page=page,
        status=status,
        counts=counts,
        STATUS_NAMES=STATUS_NAMES,
        zone=current_user.timezone,
        when=lambda dt: format_when(dt, current_user.timezone),
    ), http_status


@bp.route("/")
@roles_required(*EDITOR_ROLES)
def list_messages():
    """Messages filtered by ``?status=``, 50 a page."""
    return _render(_status_filter())


@bp.route("/<int:message_id>/resend", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def resend_message(message_id: int):
    """Queue a failed message again from its first attempt."""
    row = db.get_or_404(OutboxMessage, message_id)
    if row.status != "failed":
        flash(_("Only a failed message can be sent again."), "error")
        return _render(_status_filter(), 409)
    if row.body_purged_at is not None:
        flash(_("The content of this message was removed; it cannot be sent again."), "error")
        return _render(_status_filter(), 409)
    if superseded(row):
        flash(SUPERSEDED, "error")
        return _render(_status_filter(), 409)
    resend(row)
    flash(_("The message to %(recipient)s will be sent again.", recipient=row.recipient), "success")
    return redirect(url_for("outbox.list_messages", status=_status_filter() or None))
