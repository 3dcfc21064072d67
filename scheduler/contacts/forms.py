"""The contact form."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from scheduler.availability.forms import WorkingHoursField
from scheduler.contacts.services import email_problem
from scheduler.forms import StrippedForm, TimezoneField, max_length, select_choices
from scheduler.sides import KOREA, LANGUAGE_NAMES, PARTNER_ZONE

# Each language in its own script; a partner's people mostly write Korean, so it comes first.
LANGUAGE_CHOICES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[0] != KOREA.language)


class ContactForm(StrippedForm):
    family_name_ko = StringField(_l("Family name (Hangul)"), validators=[max_length(50)])
    given_name_ko = StringField(_l("Given name (Hangul)"), validators=[max_length(50)])
    family_name_zh = StringField(_l("Family name (Hanzi)"), validators=[max_length(50)])
    given_name_zh = StringField(_l("Given name (Hanzi)"), validators=[max_length(50)])
    romanized_family = StringField(_l("Family name (romanized)"), validators=[max_length(50)])
    romanized_given = StringField(_l("Given name (romanized)"), validators=[max_length(50)])
    # NOTE: a contact's job title (职务/직함), not the name of a meeting.
    title_ko = StringField(_lp("person", "Title (Korean)"), validators=[max_length(100)])
    title_zh = StringField(_lp("person", "Title (Chinese)"), validators=[max_length(100)])
    department_ko = StringField(_l("Department (Korean)"), validators=[max_length(100)])
    department_zh = StringField(_l("Department (Chinese)"), validators=[max_length(100)])
    email = StringField(_l("E-mail"), validators=[max_length(254)])
    phone = StringField(_l("Phone"), validators=[max_length(40)])
    language = SelectField(
        _l("Preferred language"), choices=select_choices(LANGUAGE_CHOICES), default=KOREA.language
    )
    timezone = TimezoneField(_l("Time zone"), default=PARTNER_ZONE)
    working_hours = WorkingHoursField(_l("Working hours"))
    notes = TextAreaField(_l("Notes"), validators=[max_length(2000)])

    def __init__(self, *args, contact_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._contact_id = contact_id

    def validate_family_name_ko(self, field):
        names = (field.data, self.family_name_zh.data, self.romanized_family.data)
        if not any(names):
            raise ValidationError(_l("Enter a family name in at least one script."))

    def validate_email(self, field):
        problem = email_problem(field.data, self._contact_id)
        if problem:
            raise ValidationError(problem)
