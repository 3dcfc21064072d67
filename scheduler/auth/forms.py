"""Login and profile forms, and the account fields the admin's user forms share."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from scheduler.auth.services import MAX_PASSWORD, MIN_PASSWORD
from scheduler.availability.forms import WorkingHoursField
from scheduler.forms import BaseForm, StrippedForm, TimezoneField, max_length, select_choices
from scheduler.sides import LANGUAGE_NAMES, OFFICE_ZONE


def locale_choices():
    """ "Automatic" (follow the browser) first, then each language in its own script."""
    return select_choices([("", _l("Automatic")), *LANGUAGE_NAMES.items()])


def locale_field() -> SelectField:
    """The preferred-language menu; "Automatic" is stored as None."""
    return SelectField(
        _l("Preferred language"),
        choices=locale_choices(),
        coerce=lambda value: value or None,
        invalid_choice_message=_l("Choose one of the languages offered."),
    )


def working_hours_field() -> WorkingHoursField:
    """A person's own working hours; blank means the usual hours of their zone."""
    return WorkingHoursField(_l("Working hours"), validators=[max_length(200)])


def password_length() -> Length:
    """The password length rule with a translated message naming both limits."""
    return Length(
        min=MIN_PASSWORD,
        max=MAX_PASSWORD,
        message=_l(
            "The password must be %(min)d to %(max)d characters long.",
            min=MIN_PASSWORD,
            max=MAX_PASSWORD,
        ),
    )


class PasswordsKeptAsTyped(StrippedForm):
    """Strips text inputs but never passwords: a space in a password is part of it."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, PasswordField):
                return unbound_field.bind(form=form, **options)
            return StrippedForm.Meta.bind_field(self, form, unbound_field, options)


class LoginForm(BaseForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    remember = BooleanField(_l("Keep me signed in"))


class ProfileForm(PasswordsKeptAsTyped):
    """A signed-in user's own settings; a new password needs the current one."""

    locale = locale_field()
    timezone = TimezoneField(_l("Time zone"), default=OFFICE_ZONE)
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
