"""The erasure form: why, and the confirmation that it cannot be undone."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from scheduler.forms import StrippedForm, max_length
from scheduler.privacy.erasure import MAX_REASON


class EraseForm(StrippedForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[InputRequired(_l("Give the reason for the erasure.")), max_length(MAX_REASON)],
    )
    confirm = BooleanField(
        _l("I understand that the erasure cannot be undone."),
        validators=[DataRequired(_l("Confirm that the erasure cannot be undone."))],
    )
