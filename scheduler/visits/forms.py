"""Visit forms. Dates are days at the place visited; times are read on its clock."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from scheduler.forms import (
    DayField,
    LocalDateTimeField,
    StrippedForm,
    TimezoneField,
    WholeNumberField,
    max_length,
    select_choices,
)
from scheduler.meetings.forms import MeetingForm
from scheduler.meetings.models import KIND_LABELS
from scheduler.sides import OFFICE_ZONE
from scheduler.visits.directions import DIRECTION_LABELS

MEMBER_ROLE_LABELS = {
    "head": _l("Head of delegation"),
    "member": _l("Delegation member"),
    "interpreter": _l("Interpreter"),
    "liaison": _l("Liaison officer"),
    # NOTE: role on a visit: drives the delegation's car
    "driver": _l("Driver"),
}
_required = DataRequired(_l("This field is required."))
_input_required = InputRequired(_l("This field is required."))


class VisitForm(StrippedForm):
    direction = SelectField(_l("Direction"), choices=select_choices(DIRECTION_LABELS.items()))
    # NOTE: the name of a visit or an itinerary item, not a person's job title.
    title_zh = StringField(_lp("meeting", "Title (Chinese)"), validators=[max_length(200)])
    title_ko = StringField(_lp("meeting", "Title (Korean)"), validators=[max_length(200)])
    title_en = StringField(
        _lp("meeting", "Title (English, optional)"), validators=[max_length(200)]
    )
    partners = SelectMultipleField(_l("Partners"), coerce=int)
    start_date = DayField(_l("First day"), validators=[_input_required])
    end_date = DayField(_l("Last day"), validators=[_input_required])
    timezone = TimezoneField(_l("Time zone of the place visited"), default=OFFICE_ZONE)
    arrival_flight = StringField(_l("Arrival flight"), validators=[max_length(20)])
    arrival_local = LocalDateTimeField(_l("Arrival time"), validators=[Optional()])
    arrival_airport = StringField(_l("Arrival airport"), validators=[max_length(100)])
    departure_flight = StringField(_l("Departure flight"), validators=[max_length(20)])
    departure_local = LocalDateTimeField(_l("Departure time"), validators=[Optional()])
    departure_airport = StringField(_l("Departure airport"), validators=[max_length(100)])
    hotel_zh = StringField(_l("Hotel (Chinese)"), validators=[max_length(200)])
    hotel_ko = StringField(_l("Hotel (Korean)"), validators=[max_length(200)])
    notes = TextAreaField(_l("Notes"), validators=[max_length(10000)])
    show_both_clocks = BooleanField(_l("Show both clocks on the itinerary"))

    def validate_title_zh(self, field):
        if not (field.data or self.title_ko.data):
            raise ValidationError(_l("Enter a title in Chinese or Korean."))


class MemberForm(StrippedForm):
    """A person of the visit: a contact or staff member picked from the list, or a guest
    typed by name (in any of the three scripts, family name first)."""

    # Choices are offered, not enforced: the service says why a person cannot join.
    person = SelectField(_l("Contact or staff member"), validate_choice=False)
    name_ko = StringField(_l("Name in Hangul"), validators=[max_length(50)])
    name_zh = StringField(_l("Name in Chinese characters"), validators=[max_length(50)])
    name_latin = StringField(
        _l("Name in Latin letters (as in the passport)"), validators=[max_length(50)]
    )
    role = SelectField(_l("Role"), choices=select_choices(MEMBER_ROLE_LABELS.items()))
    title_zh = StringField(
        _l("Title on this visit (Chinese, optional)"), validators=[max_length(100)]
    )
    title_ko = StringField(
        _l("Title on this visit (Korean, optional)"), validators=[max_length(100)]
    )
    phone = StringField(_l("Phone"), validators=[max_length(40)])
    sort_order = WholeNumberField(
        _l("Order in the list"),
        default=0,
        validators=[Optional(), NumberRange(0, 999, _l("Enter a number from 0 to 999."))],
    )

    def validate_name_ko(self, field):
        if not (self.person.data or field.data or self.name_zh.data or self.name_latin.data):
            raise ValidationError(
                _l("Enter the name in Hangul, Hanzi or Latin letters, or choose a person.")
            )


class PromoteForm(StrippedForm):
    """Which of the visit's partners a guest becomes a contact of."""

    partner = SelectField(_l("Partner"), coerce=int, validate_choice=False)


class ArrangementForm(StrippedForm):
    """An itinerary item's vehicle and the person in charge, whose phone the itinerary shows."""

    vehicle = StringField(_l("Vehicle"), validators=[max_length(100)])
    # NOTE: the person to call about an itinerary item
    contact_member = SelectField(_l("Person in charge"), validate_choice=False)


class ItineraryItemForm(StrippedForm):
    kind = SelectField(_l("Kind"), choices=select_choices(KIND_LABELS.items()))
    # NOTE: the name of a visit or an itinerary item, not a person's job title.
    title_zh = StringField(_lp("meeting", "Title (Chinese)"), validators=[max_length(200)])
    title_ko = StringField(_lp("meeting", "Title (Korean)"), validators=[max_length(200)])
    start_local = LocalDateTimeField(_l("Start"), validators=[_input_required])
    end_local = LocalDateTimeField(_l("End"), validators=[_input_required])
    location_zh = StringField(_l("Place (Chinese)"), validators=[max_length(200)])
    location_ko = StringField(_l("Place (Korean)"), validators=[max_length(200)])
    room_id = MeetingForm.room_id  # the same select of rooms as a meeting's
    with_delegation = BooleanField(_l("The whole delegation takes part"))
    vehicle = ArrangementForm.vehicle
    contact_member = ArrangementForm.contact_member
    override_reason = StringField(
        _l("Reason for booking despite the conflicts"), validators=[max_length(500)]
    )

    def validate_title_zh(self, field):
        if not (field.data or self.title_ko.data):
            raise ValidationError(_l("Enter a title in Chinese or Korean."))
