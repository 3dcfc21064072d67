"""The audit log browser (being built)."""

from flask import Blueprint, abort

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
def list_entries():
    abort(404)
