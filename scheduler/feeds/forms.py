"""The one form: a new feed's language, and whether to e-mail the link to the contact."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from scheduler.forms import select_choices

LANGUAGE_CHOICES = [("ko", "한국어"), ("zh", "中文"), ("en", "English")]


class NewFeedForm(FlaskForm):
    language = SelectField(
        _l("Calendar language"),
        choices=select_choices(LANGUAGE_CHOICES),
        validators=[InputRequired(_l("Choose the calendar's language."))],
    )
    send_to_contact = BooleanField(_l("Send the link to the contact by e-mail"))
