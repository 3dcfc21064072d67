"""The partner edit form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from scheduler.forms import TimezoneField, strip_filter

_required = DataRequired(_l("This field is required."))


def _max(n):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class PartnerForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            options.setdefault("filters", []).append(strip_filter)
            return unbound_field.bind(form=form, **options)

    name_zh = StringField(_l("Name in Chinese"), validators=[_required, _max(100)])
    name_ko = StringField(_l("Name in Korean"), validators=[_required, _max(100)])
    name_en = StringField(_l("Name in English"), validators=[_required, _max(100)])
    seat_zh = StringField(_l("Seat (Chinese)"), validators=[_max(100)])
    seat_ko = StringField(_l("Seat (Korean)"), validators=[_max(100)])
    seat_en = StringField(_l("Seat (English)"), validators=[_max(100)])
    iso_code = StringField(
        _l("ISO 3166-2 code"),
        validators=[
            Optional(),
            Regexp(r"^KR-[0-9A-Z]{2}$", message=_l("Use the form KR-11.")),
        ],
    )
    timezone = TimezoneField(_l("Time zone"), validators=[_required])
    notes_zh = TextAreaField(_l("Relationship notes (Chinese)"), validators=[_max(2000)])
    notes_ko = TextAreaField(_l("Relationship notes (Korean)"), validators=[_max(2000)])
