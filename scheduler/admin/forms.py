"""Forms for staff accounts (admin pages); the account fields they share with the profile
form come from `scheduler.auth.forms`."""

from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from scheduler.admin.services import USER_FIELDS
from scheduler.auth.forms import (
    PasswordsKeptAsTyped,
    locale_field,
    password_length,
    working_hours_field,
)
from scheduler.auth.models import ROLE_NAMES
from scheduler.auth.services import find_user
from scheduler.forms import TimezoneField, max_length, select_choices
from scheduler.people import normalize_email
from scheduler.sides import OFFICE_ZONE

WORKING_HOURS_HELP = _l(
    "Days and times, e.g. %(example)s. Leave empty for the usual office hours of the time zone.",
    example="Mon-Fri 09:00-12:00,13:30-17:30",
)


class UserForm(PasswordsKeptAsTyped):
    email = StringField(
        _l("E-mail"), validators=[DataRequired(_l("Enter an e-mail address.")), max_length(254)]
    )
    name_zh = StringField(_l("Name (Chinese)"), validators=[max_length(100)])
    name_ko = StringField(_l("Name (Korean)"), validators=[max_length(100)])
    role = SelectField(
        _l("Role"),
        choices=select_choices(ROLE_NAMES.items()),
        default="viewer",
        invalid_choice_message=_l("Choose one of the roles offered."),
    )
    locale = locale_field()
    timezone = TimezoneField(_l("Time zone"), default=OFFICE_ZONE)
    working_hours = working_hours_field()

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user_id = user_id

    def validate_email(self, field):
        try:
            field.data = normalize_email(field.data)
        except EmailNotValidError as error:
            raise ValidationError(_l("This is not a valid e-mail address.")) from error
        existing = find_user(field.data or "")
        if existing and existing.id != self._user_id:
            raise ValidationError(_l("Another user already has this e-mail address."))

    def account_data(self) -> dict:
        """The validated account fields as a dict for the services."""
        return {name: self[name].data for name in USER_FIELDS}


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"), validators=[Optional(strip_whitespace=False), password_length()]
    )


class PasswordResetForm(PasswordsKeptAsTyped):
    new_password = PasswordField(
        _l("New password"), validators=[Optional(strip_whitespace=False), password_length()]
    )
