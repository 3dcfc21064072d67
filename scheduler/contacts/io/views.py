"""Contact import and export pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from scheduler.auth.models import EDITOR_ROLES
from scheduler.contacts.io import write as io_write
from scheduler.contacts.io.rows import import_contacts as run_import
from scheduler.forms import BaseForm
from scheduler.partners.services import get_partner
from scheduler.security import roles_required

bp = Blueprint("contacts_io", __name__, url_prefix="/contacts")


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV or Excel file"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
        render_kw={"accept": ".csv,.xlsx"},
    )
    update_existing = BooleanField(_l("Update existing contacts with the same e-mail address"))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def import_contacts():
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("contacts/io/import.html", form=form, problems=None), status
    upload = form.file.data
    result = run_import(upload.filename, upload.read(), form.update_existing.data)
    if not result.ok:  # nothing was written: the rows are all checked before any is saved
        return render_template("contacts/io/import.html", form=form, problems=result.problems), 400
    flash(
        _(
            "Import finished. Added: %(created)d. Updated: %(updated)d. Unchanged: %(unchanged)d.",
            **result.counts(),
        ),
        "success",
    )
    return redirect(url_for("contacts.list_contacts"))


@bp.route("/import/template.<file_format>")
def import_template(file_format):
    """An empty import file: the header row and one example row."""
    if file_format not in io_write.FORMATS:
        abort(404)
    body = io_write.to_bytes(io_write.template_rows(), file_format)
    return _download(body, file_format, f"contacts-template.{file_format}")


@bp.route("/export.<format>")
@roles_required(*EDITOR_ROLES)  # names, e-mails and phones in bulk: not for viewers
def export_contacts(format):  # the argument name is part of the url_for() calls in templates
    if format not in io_write.FORMATS:
        abort(404)
    slug = request.args.get("partner")
    partner = (get_partner(slug) or abort(404)) if slug else None
    include_inactive = request.args.get("inactive") == "1"
    body = io_write.to_bytes(io_write.export_contacts(partner, include_inactive), format)
    filename = io_write.export_filename(partner, format, _office_today())
    return _download(body, format, filename)


def _office_today():
    return datetime.now(ZoneInfo(current_app.config["OFFICE_TIMEZONE"])).date()


def _download(body: bytes, file_format: str, filename: str) -> Response:
    response = Response(body, content_type=io_write.MIMETYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response
