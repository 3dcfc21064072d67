"""Partners: read, and edit for editors (the partner edit page's fields, If-Match)."""

from flask import abort

from scheduler.api import schemas
from scheduler.api.conditional import IF_MATCH_DOC
from scheduler.api.etags import locked, require_if_match, with_etag
from scheduler.api.form_input import form_values
from scheduler.api.parsing import ApiBlueprint
from scheduler.api.representations import partner_json
from scheduler.api.resource_schemas import PartnerEditSchema
from scheduler.api.writes import write_operation
from scheduler.partners.forms import PartnerForm
from scheduler.partners.services import (
    EDITABLE_FIELDS,
    get_partner,
    partner_overview,
    update_partner,
)

bp = ApiBlueprint("api_v1_partners", __name__, url_prefix="/api/v1", description="Partners.")


@bp.route("/partners")
@bp.response(200, schemas.PartnerListSchema)
def list_partners():
    """Every partner, current ones first (as on the partner list)."""
    return {"items": [partner_json(partner) for partner, _count in partner_overview()]}


@bp.route("/partners/<slug>")
@bp.response(200, schemas.PartnerSchema)
def show_partner(slug: str):
    """One partner by its slug; its ETag is what PATCH wants in If-Match."""
    return with_etag(partner_json(get_partner(slug) or abort(404)))


@bp.route("/partners/<slug>", methods=["PATCH"])
@bp.doc(**IF_MATCH_DOC)
@write_operation
@bp.arguments(PartnerEditSchema, as_kwargs=False)
@bp.response(200, schemas.PartnerSchema)
def update_partner_fields(data: dict, slug: str):
    """Change what the partner edit page may (write scope). If-Match: the ETag you read (412
    when stale, 428 when missing); staff edits are kept from the next seeding."""
    partner = locked(get_partner(slug) or abort(404))
    require_if_match(partner_json(partner))
    current = {name: getattr(partner, name) for name in EDITABLE_FIELDS}
    values = form_values(PartnerForm, current | data)
    changes = {name: values[name] for name in data}
    if "iso_code" in changes:
        changes["iso_code"] = changes["iso_code"] or None  # as the edit page stores it
    update_partner(partner, changes)
    return with_etag(partner_json(partner))
