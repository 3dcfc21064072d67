"""The "find a time" search form: a GET form, so no CSRF token (a search changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from scheduler.forms import (
    DayField,
    LocalDateTimeField,
    StrippedForm,
    TimezoneField,
    WholeNumberField,
    max_length,
)

_required = InputRequired(_l("This field is required."))


class SlotForm(StrippedForm):
    class Meta(StrippedForm.Meta):
        csrf = False  # a GET search changes nothing

    participants = SelectMultipleField(_l("Participants"), render_kw={"size": 10})
    emails = StringField(
        _l("More participants by e-mail (comma-separated)"), validators=[max_length(2000)]
    )
    duration = WholeNumberField(_l("Duration (minutes)"), default=60, validators=[_required])
    first_day = DayField(_l("From"), validators=[_required])
    # NOTE: slot finder: last day of the range
    last_day = DayField(_l("To (included)"), validators=[_required])
    buffer = WholeNumberField(
        _l("Buffer between meetings (minutes)"), default=15, validators=[_required]
    )
    notice = WholeNumberField(
        _l("Minimum notice (hours)"),
        default=24,
        validators=[_required, NumberRange(0, 720, _l("Between 0 and 720 hours."))],
    )
    room_id = SelectField(_l("Room"), coerce=int, default=0)


class WarningQuery(StrippedForm):
    """The time being typed on a meeting form, asked about by `static/js/time-warnings.js`."""

    class Meta(StrippedForm.Meta):
        csrf = False  # a GET question changes nothing

    timezone = TimezoneField(_l("Planned in time zone"), validators=[_required])
    start_local = LocalDateTimeField(_l("Start"), validators=[_required])
    end_local = LocalDateTimeField(_l("End"), validators=[_required])
    people = SelectMultipleField(_l("Participants"), validate_choice=False)
    meeting = IntegerField(_l("Meeting"), validators=[Optional()])
