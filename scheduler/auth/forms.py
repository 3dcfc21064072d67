"""Login and profile forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from scheduler.admin.forms import (
    PasswordsKeptAsTyped,
    locale_field,
    password_length,
    working_hours_field,
)
from scheduler.forms import TimezoneField


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me signed in"))


class ProfileForm(PasswordsKeptAsTyped):
    """A signed-in user's own settings; a new password needs the current one."""

    locale = locale_field()
    timezone = TimezoneField(_l("Time zone"), default="Asia/Shanghai")
    working_hours = working_hours_field()
    current_password = PasswordField(_l("Current password"), validators=[Length(max=200)])
    new_password = PasswordField(
        _l("New password"), validators=[Optional(strip_whitespace=False), password_length()]
    )
    new_password_repeat = PasswordField(_l("Repeat the new password"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_current_password(self, field):
        if not self.new_password.data:
            return
        if not field.data:
            raise ValidationError(_l("Enter your current password to set a new one."))
        if not self._user.check_password(field.data):
            raise ValidationError(_l("The current password is not correct."))

    def validate_new_password_repeat(self, field):
        if self.new_password.data and field.data != self.new_password.data:
            raise ValidationError(_l("The two new passwords are not the same."))
