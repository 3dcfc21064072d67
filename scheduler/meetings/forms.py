"""Meeting forms. Times are typed on the clock of the meeting's planning zone."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from scheduler.forms import (
    LocalDateTimeField,
    StrippedForm,
    TimezoneField,
    max_length,
    select_choices,
)
from scheduler.meetings.models import HOST_SIDE_LABELS, KIND_LABELS, ROLE_LABELS, parse_offsets
from scheduler.sides import OFFICE_ZONE

PLATFORM_SUGGESTIONS = ("Zoom", "Tencent Meeting", "VooV Meeting", "Umeet", "Webex", "Teams")
_required = DataRequired(_l("This field is required."))
_time_required = InputRequired(_l("This field is required."))


class MeetingForm(StrippedForm):
    kind = SelectField(_l("Kind"), choices=select_choices(KIND_LABELS.items()))
    # NOTE: the name of a meeting (会议名称/회의명), not a person's job title.
    title_zh = StringField(_lp("meeting", "Title (Chinese)"), validators=[max_length(200)])
    title_ko = StringField(_lp("meeting", "Title (Korean)"), validators=[max_length(200)])
    title_en = StringField(
        _lp("meeting", "Title (English, optional)"), validators=[max_length(200)]
    )
    partners = SelectMultipleField(_l("Partners"), coerce=int)
    timezone = TimezoneField(_l("Planned in time zone"), default=OFFICE_ZONE)
    start_local = LocalDateTimeField(_l("Start"), validators=[_time_required])
    end_local = LocalDateTimeField(_l("End"), validators=[_time_required])
    agenda_zh = TextAreaField(_l("Agenda (Chinese)"), validators=[max_length(10000)])
    agenda_ko = TextAreaField(_l("Agenda (Korean)"), validators=[max_length(10000)])
    agenda_en = TextAreaField(_l("Agenda (English, optional)"), validators=[max_length(10000)])
    location_zh = StringField(_l("Place (Chinese)"), validators=[max_length(200)])
    location_ko = StringField(_l("Place (Korean)"), validators=[max_length(200)])
    room_id = SelectField(
        _l("Room"),
        coerce=int,
        default=0,
        invalid_choice_message=_l("Choose one of the rooms offered."),
    )
    platform = StringField(
        _l("Video platform"),
        validators=[max_length(60)],
        render_kw={"list": "platform-suggestions"},
    )
    join_url = StringField(
        _l("Join link"),
        validators=[
            Optional(),
            max_length(500),
            URL(
                require_tld=False, message=_l("The join link must start with http:// or https://.")
            ),
        ],
    )
    meeting_code = StringField(_l("Meeting ID"), validators=[max_length(60)])
    passcode = StringField(_l("Passcode"), validators=[max_length(60)])
    host_side = SelectField(_l("Hosted by"), choices=select_choices(HOST_SIDE_LABELS.items()))
    tech_check_minutes = IntegerField(
        _l("Technical check (minutes before the start)"),
        validators=[Optional(), NumberRange(0, 240, _l("Between 0 and 240 minutes."))],
    )
    reminder_offsets = StringField(
        _l("Reminders (minutes before the start)"),
        validators=[max_length(100)],
        render_kw={"placeholder": "1440, 60"},
    )
    # The meeting's version when the form was drawn (scheduler/meetings/versions.py).
    version = HiddenField()
    override_reason = StringField(
        _l("Reason for booking despite the conflicts"), validators=[max_length(500)]
    )

    def validate_reminder_offsets(self, field):
        try:
            field.data = ",".join(str(m) for m in parse_offsets(field.data)) or None
        except ValueError as error:
            message = _l("Enter minutes separated by commas, for example 1440, 60.")
            raise ValidationError(message) from error

    def validate_title_zh(self, field):
        if not (field.data or self.title_ko.data):
            raise ValidationError(_l("Enter a title in Chinese or Korean."))

    def validate_join_url(self, field):
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("The join link must start with http:// or https://."))


class NewMeetingForm(MeetingForm):
    """A new meeting may bring its people along (picked here or carried from "find a time");
    an existing meeting's people are managed on its page."""

    # Checked against the database when saved (people may be deactivated meanwhile).
    participants = SelectMultipleField(
        _l("Participants"), validate_choice=False, render_kw={"size": 8}
    )


class ReasonForm(StrippedForm):
    reason = TextAreaField(_l("Reason"), validators=[_required, max_length(2000)])
    version = HiddenField()  # the meeting's, as in MeetingForm


class ParticipantForm(StrippedForm):
    person = SelectField(_l("Person"), validators=[_required])
    guest_email = StringField(_l("Guest e-mail"), validators=[max_length(254)])
    guest_name = StringField(_l("Guest name"), validators=[max_length(100)])
    role = SelectField(_l("Role"), choices=select_choices(ROLE_LABELS.items()))
    # The meeting's version when the form was drawn (scheduler/meetings/versions.py).
    version = HiddenField()
    override_reason = StringField(
        _l("Reason for booking despite the conflicts"), validators=[max_length(500)]
    )
