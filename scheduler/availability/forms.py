"""The working-hours form field and the holiday-override forms of the admin page."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from scheduler.availability import services
from scheduler.availability.hours import HoursError, format_hours, parse_hours
from scheduler.forms import StrippedForm, select_choices

COUNTRY_CHOICES = [("CN", _l("China")), ("KR", _l("Korea"))]
KIND_CHOICES = [("holiday", _l("Holiday")), ("workday", _l("Working day"))]


class WorkingHoursField(StringField):
    """Working hours as text, e.g. ``Mon-Fri 09:00-12:00,13:30-17:30``; blank means the default.

    Valid input is stored in its canonical form; bad input shows the parser's translated reason.
    """

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip() or None

    def pre_validate(self, form):
        if not self.data:
            self.data = None
            return
        try:
            self.data = format_hours(parse_hours(self.data))
        except HoursError as error:
            raise ValidationError(error.message) from error


def _checked_by(parse):
    """A WTForms validator that runs a services parser and shows its translated reason."""

    def validator(_form, field):
        try:
            parse(field.data)
        except services.OverrideError as error:
            raise ValidationError(error.message) from error

    return validator


class _CountryForm(StrippedForm):
    country = SelectField(
        _l("Country"),
        choices=select_choices(COUNTRY_CHOICES),
        validate_choice=False,  # our own message names the allowed values
        validators=[_checked_by(services.parse_country)],
    )


class OverrideForm(_CountryForm):
    """Declare a day a holiday or a working day."""

    day = StringField(_l("Date (YYYY-MM-DD)"), validators=[_checked_by(services.parse_day)])
    kind = SelectField(
        _l("Kind"),
        choices=select_choices(KIND_CHOICES),
        validate_choice=False,
        validators=[_checked_by(services.parse_kind)],
    )
    name_zh = StringField(_l("Name in Chinese"))
    name_ko = StringField(_l("Name in Korean"))
    name_en = StringField(_l("Name in English"))

    def validate_name_zh(self, field):
        names = {"zh": field.data, "ko": self.name_ko.data, "en": self.name_en.data}
        try:
            services.check_names((self.kind.data or "").strip().lower(), names)
        except services.OverrideError as error:
            raise ValidationError(error.message) from error


class MoveOverrideForm(_CountryForm):
    """Move an override to another day (keeps its kind and names)."""

    from_day = StringField(_l("From (YYYY-MM-DD)"), validators=[_checked_by(services.parse_day)])
    to_day = StringField(_l("To (YYYY-MM-DD)"), validators=[_checked_by(services.parse_day)])


class ClearOverrideForm(_CountryForm):
    """Remove the override of one day."""

    country = HiddenField(validators=[_checked_by(services.parse_country)])
    day = HiddenField(validators=[_checked_by(services.parse_day)])
