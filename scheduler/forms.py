"""Form pieces shared by several domains."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectChoice, StringField
from wtforms.validators import Length, ValidationError

from scheduler.timefmt import normalize_timezone


class TimezoneField(StringField):
    """An IANA zone name; aliases such as Asia/Harbin are stored as their canonical zone."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.raw_zone = (self.data or "").strip()
        self.data = normalize_timezone(self.raw_zone) or self.raw_zone

    def pre_validate(self, form):
        if not normalize_timezone(self.data):
            raise ValidationError(
                _l("Unknown time zone. Use a name such as Asia/Shanghai or Asia/Seoul.")
            )


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


def max_length(limit: int) -> Length:
    """A length check with a translated message naming the limit."""
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


class StrippedForm(FlaskForm):
    """A form whose text inputs lose leading and trailing white space."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            options.setdefault("filters", []).append(strip_filter)
            return unbound_field.bind(form=form, **options)


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class LocalDateTimeField(DateTimeLocalField):
    """A wall-clock date and time (no zone) with our own translated parse error."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date and time such as 2026-12-03 14:30.")) from error
