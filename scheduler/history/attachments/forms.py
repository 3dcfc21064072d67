"""The form that attaches a file to a meeting."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from scheduler.forms import BaseForm
from scheduler.history.attachments.services import ALLOWED_TYPES


class AttachmentForm(BaseForm):
    ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_TYPES)
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to attach."))])
