"""The one form: a new feed's language, and whether to e-mail the link to the contact."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from scheduler.forms import BaseForm, select_choices
from scheduler.sides import KOREA, LANGUAGE_NAMES, LANGUAGES

# The partners' language first: most feeds are made for them.
_ORDER = sorted(LANGUAGES, key=lambda code: code != KOREA.language)
LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES[code]) for code in _ORDER]


class NewFeedForm(BaseForm):
    language = SelectField(
        _l("Calendar language"),
        choices=select_choices(LANGUAGE_CHOICES),
        validators=[InputRequired(_l("Choose the calendar's language."))],
    )
    send_to_contact = BooleanField(_l("Send the link to the contact by e-mail"))
