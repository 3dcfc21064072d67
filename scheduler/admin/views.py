"""Admin pages for staff accounts (being built)."""

from flask import Blueprint, abort

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
def list_users():
    abort(404)
