"""The room form of the admin pages; the services check the same rules for `flask rooms`."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from scheduler.forms import StrippedForm, max_length
from scheduler.meetings.rooms.services import ROOM_FIELDS

_capacity_rule = _l("The capacity must be a whole number of at least 1.")


class CapacityField(IntegerField):
    """A seat count; anything but a whole number gets the same translated error as 0 does."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_capacity_rule) from error


class RoomForm(StrippedForm):
    # Names are required by the services (one rule for the page and the command line).
    name_zh = StringField(_l("Room name (Chinese)"), validators=[max_length(100)])
    name_ko = StringField(_l("Room name (Korean)"), validators=[max_length(100)])
    name_en = StringField(_l("Room name (English, optional)"), validators=[max_length(100)])
    building = StringField(_l("Building and floor"), validators=[max_length(100)])
    capacity = CapacityField(
        _l("Seats"), validators=[Optional(), NumberRange(min=1, message=_capacity_rule)]
    )
    has_video = BooleanField(_l("Video conferencing equipment"))
    video_notes = StringField(
        _l("Equipment notes"),
        validators=[max_length(200)],
        render_kw={"placeholder": _l("e.g. camera, two screens, simultaneous interpretation")},
    )

    def room_data(self) -> dict:
        """The fields as a dict for the services."""
        return {name: self[name].data for name in ROOM_FIELDS}
