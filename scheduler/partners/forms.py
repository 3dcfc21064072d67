"""The partner edit form."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from scheduler.availability.forms import WorkingHoursField
from scheduler.forms import StrippedForm, TimezoneField, max_length

_required = DataRequired(_l("This field is required."))


class PartnerForm(StrippedForm):
    name_zh = StringField(_l("Name in Chinese"), validators=[_required, max_length(100)])
    name_ko = StringField(_l("Name in Korean"), validators=[_required, max_length(100)])
    name_en = StringField(_l("Name in English"), validators=[_required, max_length(100)])
    seat_zh = StringField(_l("Seat (Chinese)"), validators=[max_length(100)])
    seat_ko = StringField(_l("Seat (Korean)"), validators=[max_length(100)])
    seat_en = StringField(_l("Seat (English)"), validators=[max_length(100)])
    iso_code = StringField(
        _l("ISO 3166-2 code"),
        validators=[
            Optional(),
            Regexp(r"^KR-[0-9A-Z]{2}$", message=_l("Use the form KR-11.")),
        ],
    )
    timezone = TimezoneField(_l("Time zone"), validators=[_required])
    working_hours = WorkingHoursField(_l("Default working hours of its people"))
    notes_zh = TextAreaField(_l("Relationship notes (Chinese)"), validators=[max_length(2000)])
    notes_ko = TextAreaField(_l("Relationship notes (Korean)"), validators=[max_length(2000)])
