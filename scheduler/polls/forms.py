"""The poll forms: proposing times (staff), closing on one, and answering (public)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from scheduler.forms import BaseForm, LocalDateTimeField, StrippedForm, max_length
from scheduler.polls.models import MAX_CANDIDATES, MAX_TEXT

ROWS_SHOWN = MAX_CANDIDATES
ROWS_READ = MAX_CANDIDATES + 4  # more rows than allowed are read, to be refused by name


class ProposeForm(BaseForm):
    """Candidate times typed on the meeting's clock (blank rows are skipped), the people
    asked (the meeting's participants) and the closing date."""

    starts = FieldList(
        LocalDateTimeField(_l("Start"), validators=[Optional()]),
        min_entries=ROWS_SHOWN,
        max_entries=ROWS_READ,
    )
    ends = FieldList(
        LocalDateTimeField(_l("End"), validators=[Optional()]),
        min_entries=ROWS_SHOWN,
        max_entries=ROWS_READ,
    )
    people = SelectMultipleField(_l("People to ask"), coerce=int)
    closes_on = DateField(
        _l("Closing date"), validators=[InputRequired(_l("This field is required."))]
    )
    # The button pressed: "check" shows the warnings for each time and saves nothing.
    action = StringField()


class CloseForm(StrippedForm):
    """The candidate chosen, and a reason when people already have a meeting at that time."""

    candidate = IntegerField(validators=[InputRequired()])
    override_reason = StringField(validators=[max_length(2000)])


class AnswerForm(BaseForm):
    """The comment and "none of these work" (the answers per time are ``choice-<id>``)."""

    comment = TextAreaField(_l("Comment (optional)"), validators=[max_length(MAX_TEXT)])
    none_work = BooleanField(_l("None of these times work for me"))
    proposal = TextAreaField(_l("Which times would suit you?"), validators=[max_length(MAX_TEXT)])
