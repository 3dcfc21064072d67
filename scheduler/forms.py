"""Form pieces shared by several domains."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError
from wtforms.widgets import TextInput

from scheduler.sides import SIDES
from scheduler.text import control_problem, normalize_newlines
from scheduler.timefmt import normalize_timezone, zone_name


class ZoneInput(TextInput):
    """A zone typed or picked: the two sides' zones are offered (named as the reader names
    their clocks: 北京时间, 首尔时间), any other IANA name can still be typed."""

    def __call__(self, field, **kwargs):
        choices = f"{field.id}-choices"
        kwargs.setdefault("list", choices)
        option = Markup('<option value="{}">{}</option>')
        options = Markup("").join(option.format(s.zone, zone_name(s.zone)) for s in SIDES)
        page = Markup('{}<datalist id="{}">{}</datalist>')
        return page.format(super().__call__(field, **kwargs), choices, options)


class TimezoneField(StringField):
    """An IANA zone name; aliases such as Asia/Harbin are stored as their canonical zone."""

    widget = ZoneInput()

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


class BaseForm(FlaskForm):
    """The base of every form: no field takes a control character.

    A text area keeps tab and line feed (a browser's CR LF arrives as LF); every other field
    refuses all C0 and C1 controls. A form with such a field runs no other check: the
    error names the field, and nothing else sees the value.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, TextAreaField):
                options.setdefault("filters", []).insert(0, normalize_newlines)
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        refused = [field for field in self if _refuse_controls(field)]
        if not refused:
            return super().validate(extra_validators)
        self._errors = None  # the cached error dict, rebuilt from the fields
        return False


def _refuse_controls(field) -> bool:
    """Whether *field*'s input holds a control character; if so, that is its only error."""
    multiline = isinstance(field, TextAreaField)
    values = [field.data] if multiline else field.raw_data or []
    label = field.label.text or field.name
    for value in values:
        problem = control_problem(value, label, multiline) if isinstance(value, str) else None
        if problem is not None:
            field.errors = [problem]
            return True
    return False


class StrippedForm(BaseForm):
    """A form whose text inputs lose leading and trailing white space."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            options.setdefault("filters", []).append(strip_filter)
            return BaseForm.Meta.bind_field(self, form, unbound_field, options)


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class _ReadableField:
    """A field whose unreadable input gives its translated ``unreadable`` message instead of
    WTForms' English one."""

    unreadable: str  # set by each field (a lazy translated message)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.unreadable) from error


class WholeNumberField(_ReadableField, IntegerField):
    """A whole number."""

    unreadable = _l("Enter a whole number.")


class DayField(_ReadableField, DateField):
    """A calendar day typed as YYYY-MM-DD."""

    unreadable = _l("Enter a date such as 2026-12-03.")


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
