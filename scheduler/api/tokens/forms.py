"""The profile page's form for a new API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from scheduler.forms import select_choices

SCOPE_NAMES = {
    # NOTE: an API token's access: it may only read
    "read": _l("Read only"),
    # NOTE: an API token's access: it may read and change
    "write": _l("Read and change"),
}


class NewTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[InputRequired(), Length(max=100)])
    scope = SelectField(
        _l("What the token may do"), choices=select_choices(SCOPE_NAMES.items()), default="read"
    )
    expires_days = IntegerField(
        _l("Valid for (days)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l("Leave empty for a token without an end date."),
    )
