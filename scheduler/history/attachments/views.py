"""A meeting's attachments: upload, download, delete (routes of the ``outcomes`` blueprint).

Thin views; the request boundary commits (`scheduler.transaction`).
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from scheduler.auth.models import EDITOR_ROLES
from scheduler.errors import MESSAGES
from scheduler.extensions import db
from scheduler.history.attachments import files as attachment_files
from scheduler.history.attachments import services as attachments
from scheduler.history.attachments.forms import AttachmentForm
from scheduler.history.attachments.models import MAX_ATTACHMENT_BYTES, Attachment
from scheduler.history.outcomes.blueprint import bp, meeting_page, refuse
from scheduler.meetings.models import Meeting
from scheduler.security import roles_required
from scheduler.transaction import save

# Room for the multipart framing and the CSRF token around one file of the largest size.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
UPLOAD_ENDPOINT = "outcomes.upload_attachment"
bp.record_once(lambda _state: attachment_files.register_file_listeners())
bp.add_app_template_global(attachments.may_delete, "may_delete_attachment")
bp.add_app_template_global(attachments.file_size, "file_size")
bp.add_app_template_global(AttachmentForm.ACCEPT, "attachment_accept")
bp.add_app_template_global(MAX_ATTACHMENT_BYTES // (1024 * 1024), "attachment_max_mb")


@bp.url_value_preprocessor
def _allow_large_upload(endpoint, _values):
    # Runs before every before_request hook (CSRF reads the form there), so the upload's own
    # limit applies instead of the site-wide MAX_CONTENT_LENGTH; larger bodies are never read.
    if endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    if request.endpoint != UPLOAD_ENDPOINT:
        return render_template("errors/error.html", code=413, message=MESSAGES[413]), 413
    # The body was left unread; the meeting page's forms must not try to parse it again.
    request.form = request.files = ImmutableMultiDict()
    error = attachments.too_large_error()
    return refuse(request.view_args["meeting_id"], error.message, error.status)


def _attached(attachment: Attachment):
    flash(_("%(name)s has been attached.", name=attachment.original_name), "success")
    return redirect(
        url_for("meetings.show_meeting", meeting_id=attachment.meeting_id, _anchor="attachments")
    )


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["POST"])
@roles_required(*EDITOR_ROLES)
def upload_attachment(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()), [_("Choose a file to attach.")])[0]
        return refuse(meeting.id, message)
    return save(
        lambda: attachments.add_attachment(meeting, form.file.data, current_user),
        done=_attached,
        again=lambda _error: meeting_page(meeting.id),
    )


@bp.route("/attachments/<int:attachment_id>")
def download_attachment(attachment_id):
    attachment = db.get_or_404(Attachment, attachment_id)
    path = attachment_files.stored_path(attachment.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
def delete_attachment(attachment_id):
    attachment = db.get_or_404(Attachment, attachment_id)
    if not attachments.may_delete(current_user, attachment):
        abort(403)
    meeting_id, name = attachment.meeting_id, attachment.original_name
    attachments.delete_attachment(attachment)
    flash(_("%(name)s has been deleted.", name=name), "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting_id, _anchor="attachments"))
