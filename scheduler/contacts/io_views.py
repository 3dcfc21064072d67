"""Contact import and export pages (being built)."""

from flask import Blueprint, abort

bp = Blueprint("contacts_io", __name__, url_prefix="/contacts")


@bp.route("/import", methods=["GET", "POST"])
def import_contacts():
    abort(404)


@bp.route("/export.<format>")
def export_contacts(format):
    abort(404)
