"""Partners (read), through the queries of the partner pages."""

from flask import abort

from scheduler.api import schemas
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.representations import partner_json
from scheduler.partners.services import get_partner, partner_overview

bp = ApiBlueprint("api_v1_partners", __name__, url_prefix="/api/v1", description="Partners.")


@bp.route("/partners")
@bp.response(200, schemas.PartnerListSchema)
def list_partners():
    """Every partner, current ones first (as on the partner list)."""
    return {"items": [partner_json(partner) for partner, _count in partner_overview()]}


@bp.route("/partners/<slug>")
@bp.response(200, schemas.PartnerSchema)
def show_partner(slug: str):
    """One partner by its slug."""
    return partner_json(get_partner(slug) or abort(404))
