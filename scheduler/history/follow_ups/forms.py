"""Forms for follow-up actions. The due date is a day; the owner is an active staff member."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from scheduler.forms import DayField, StrippedForm, max_length, select_choices
from scheduler.history.follow_ups.services import MAX_TITLE_LENGTH

STATUS_NAMES = {
    "open": _l("Open"),
    "done": _l("Done"),
    # NOTE: status of a follow-up action that is no longer pursued
    "dropped": _l("Dropped"),
}


def _owner_id(value) -> int:
    """A posted owner id as an int; anything else (or too big for the column) becomes 0,
    which no account has."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


class FollowUpForm(StrippedForm):
    title = StringField(
        # NOTE: a follow-up action: form, reminder mail row, follow-up table
        _l("Action item"),
        validators=[DataRequired(_l("Enter a title.")), max_length(MAX_TITLE_LENGTH)],
    )
    # Checked by the service (an active account), so a bad id gets our own message.
    owner_id = SelectField(_l("Owner"), coerce=_owner_id, validate_choice=False)
    due_date = DayField(_l("Due date"), validators=[InputRequired(_l("Enter a due date."))])
    notes = TextAreaField(_l("Notes"), validators=[max_length(5000)])

    def set_owner_choices(self, users, label) -> "FollowUpForm":
        """Offer *users* (active staff), each shown by ``label(user)``."""
        self.owner_id.choices = [(u.id, label(u)) for u in users]
        return self


class FollowUpEditForm(FollowUpForm):
    status = SelectField(_l("Status"), choices=select_choices(STATUS_NAMES.items()))


class FollowUpStatusForm(StrippedForm):
    status = SelectField(_l("Status"), choices=select_choices(STATUS_NAMES.items()))
