"""History pages: the list, partner and contact timelines (thin).

The statistics, exports and annual report of the same blueprint are in `history.reports.views`.
"""

import dataclasses

from flask import abort, render_template, request
from flask_babel import gettext as _

from scheduler.contacts.models import Contact
from scheduler.extensions import db
from scheduler.history import timeline
from scheduler.history.blueprint import bp
from scheduler.history.pages import read_filters_or_abort
from scheduler.i18n import localized, person_name
from scheduler.pagecache import kept_page
from scheduler.partners.models import Partner
from scheduler.partners.services import get_partner


def _render_timeline(filters, heading, endpoint, url_args, contact=None, **context):
    contact_id = contact.id if contact else None
    conditions = timeline.meeting_conditions(filters, contact_id)
    page = timeline.history_page(conditions, timeline.read_page(request.args))
    scope_partner = filters.partner if endpoint == "history.partner_timeline" else None
    scope_ids = set(timeline.scope_partner_ids(scope_partner)) if scope_partner else set()
    page_args = {**filters.url_args(), **url_args}
    if endpoint != "history.index":
        page_args.pop("partner", None)  # the partner is in the path
    return render_template(
        "history/timeline.html",
        filters=filters,
        page=page,
        contact=contact,
        heading=heading,
        scope_partner=scope_partner,
        scope_ids=scope_ids,
        endpoint=endpoint,
        url_args=url_args,
        page_args=page_args,
        visits=timeline.visits_for(filters, contact_id),
        **context,
    )


@bp.route("/history/")
@kept_page
def index():
    filters = read_filters_or_abort(default_status=timeline.PAST)
    partners = db.session.scalars(db.select(Partner).order_by(Partner.kr_code)).all()
    return _render_timeline(filters, _("Exchange history"), "history.index", {}, partners=partners)


@bp.route("/partners/<slug>/history")
def partner_timeline(slug):
    partner = get_partner(slug) or abort(404)
    filters = dataclasses.replace(
        read_filters_or_abort(default_status=timeline.PAST), partner=partner
    )
    heading = _("Exchange history with %(partner)s", partner=localized(partner, "name"))
    return _render_timeline(filters, heading, "history.partner_timeline", {"slug": slug})


@bp.route("/contacts/<int:contact_id>/history")
def contact_timeline(contact_id):
    contact = db.get_or_404(Contact, contact_id)
    filters = dataclasses.replace(read_filters_or_abort(default_status=timeline.PAST), partner=None)
    heading = _("Exchange history of %(name)s", name=person_name(contact))
    url_args = {"contact_id": contact.id}
    return _render_timeline(filters, heading, "history.contact_timeline", url_args, contact)
