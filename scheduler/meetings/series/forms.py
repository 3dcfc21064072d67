"""The recurring-meeting form: the meeting fields plus an Outlook-representable rule."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, widgets
from wtforms.validators import NumberRange, Optional

from scheduler.forms import select_choices
from scheduler.i18n import current_language
from scheduler.meetings import queries
from scheduler.meetings.forms import MeetingForm, ParticipantForm
from scheduler.meetings.series.models import MeetingSeries
from scheduler.meetings.series.recurrence import Rule
from scheduler.meetings.series.summary import NTH_LABELS, weekday_names

PATTERN_LABELS = {
    "weekly": _l("Weekly"),
    "monthly_date": _l("Monthly on a date"),
    "monthly_weekday": _l("Monthly on a weekday"),
}
END_LABELS = {"count": _l("After a number of meetings"), "until": _l("On a date")}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SeriesForm(MeetingForm):
    """Start and end are those of the first meeting; the rule repeats them."""

    pattern = SelectField(
        lazy_pgettext("recurrence", "Pattern"), choices=select_choices(PATTERN_LABELS.items())
    )
    interval = IntegerField(
        _l("Every (weeks or months)"),
        default=1,
        validators=[Optional(), NumberRange(1, 52, _l("Between 1 and 52."))],
    )
    weekdays = CheckboxesField(_l("On these weekdays"))
    month_day = SelectField(_l("Day of the month"), coerce=int, default=1, validate_choice=False)
    week_of_month = SelectField(_l("Which week"), coerce=int, default=1)
    month_weekday = SelectField(_l("Weekday"), default="MO")
    ends = SelectField(_l("Ends"), choices=select_choices(END_LABELS.items()), default="count")
    count = IntegerField(_l("Number of meetings"), validators=[Optional()])
    until = DateField(_l("Last date"), validators=[Optional()])

    def set_choices(self) -> None:
        """Choices named in the viewer's language (weekday names come from Babel)."""
        days = list(weekday_names().items())
        self.weekdays.choices = days
        self.month_weekday.choices = days
        last_day = [(31, str(_l("Last day of the month")))]
        self.month_day.choices = [(day, str(day)) for day in range(1, 29)] + last_day
        self.week_of_month.choices = [(n, str(label)) for n, label in NTH_LABELS.items()]

    def rule(self, start: datetime, duration_minutes: int) -> Rule:
        """The rule the fields describe (checked later by the recurrence module)."""
        pattern = self.pattern.data
        by_weekday = pattern == "monthly_weekday"
        weekdays = tuple(self.weekdays.data or ()) if pattern == "weekly" else ()
        return Rule(
            freq="weekly" if pattern == "weekly" else "monthly",
            interval=self.interval.data or 1,
            start_date=start.date(),
            start_time=start.time(),
            duration_minutes=duration_minutes,
            zone=self.timezone.data,
            weekdays=(self.month_weekday.data,) if by_weekday else weekdays,
            month_day=self.month_day.data if pattern == "monthly_date" else None,
            week_of_month=self.week_of_month.data if by_weekday else None,
            count=self.count.data if self.ends.data == "count" else None,
            until=self.until.data if self.ends.data == "until" else None,
        )

    def fill_from_rule(self, rule: Rule) -> None:
        """Show a stored rule in the fields (for "this and following")."""
        if rule.freq == "weekly":
            self.pattern.data, self.weekdays.data = "weekly", list(rule.weekdays)
        elif rule.month_day is not None:
            day = 31 if rule.month_day == -1 else rule.month_day
            self.pattern.data, self.month_day.data = "monthly_date", day
        else:
            self.pattern.data, self.week_of_month.data = "monthly_weekday", rule.week_of_month
            self.month_weekday.data = rule.weekdays[0]
        self.interval.data = rule.interval
        self.ends.data = "count" if rule.count is not None else "until"
        self.count.data, self.until.data = rule.count, rule.until


def participant_form_for(series: MeetingSeries) -> ParticipantForm | None:
    """The add-a-person form, offering the staff and the contacts of the series' partners."""
    if not series.meetings:
        return None
    form = ParticipantForm()
    form.person.choices = queries.people_choices(series.meetings[0], current_language())
    return form
