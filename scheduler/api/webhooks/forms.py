"""The administrators' form for a webhook endpoint."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler.api.webhooks.addresses import MAX_URL_LENGTH
from scheduler.api.webhooks.models import EVENT_NAMES
from scheduler.forms import StrippedForm, max_length, select_choices


class EndpointForm(StrippedForm):
    url = StringField(
        _l("Receiving address (URL)"),
        validators=[InputRequired(), max_length(MAX_URL_LENGTH)],
        description=_l(
            "An https:// address of the receiving system, e.g. https://oa.example.org/hooks"
        ),
    )
    events = SelectMultipleField(
        _l("Events to send"),
        choices=select_choices(EVENT_NAMES.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    # NOTE: a webhook endpoint: events are sent to it
    active = BooleanField(_lp("webhook", "Active"), default=True)
