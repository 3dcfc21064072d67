"""Helpers every template can use."""

from collections.abc import Mapping

from flask import Flask
from flask_babel import format_date

from scheduler.auth.models import ROLE_NAMES
from scheduler.extensions import babel
from scheduler.hangul import with_particle
from scheduler.i18n import (
    current_language,
    join_list,
    list_separator,
    localized,
    other_script,
    person_name,
    user_name,
    viewer_zone,
)
from scheduler.meetings import forms, models
from scheduler.meetings.rooms.services import meeting_place
from scheduler.meetings.services import meeting_path_prefix
from scheduler.meetings.tech_check import tech_check_text
from scheduler.office import office_name
from scheduler.partners.models import KIND_NAMES
from scheduler.sides import LANGUAGE_NAMES, SIDES, other_side_zone
from scheduler.timefmt import EVERY_YEAR, dual_clock, format_day, format_when, zone_label, zone_name


def side_clock_names() -> dict[str, str]:
    """Each side's zone and its clock's name for the reader (the meeting form's live hint)."""
    return {side.zone: zone_name(side.zone) for side in SIDES}


def meeting_time(meeting, with_year: bool = False) -> str:
    """The meeting's time on the viewer's clock and on the other side's; the date carries its
    year when not this year's, or always *with_year*."""
    own = viewer_zone()
    year = EVERY_YEAR if with_year else None
    return dual_clock(meeting.start_dt, own, other_side_zone(own), end=meeting.end_dt, year=year)


class TranslatedLabels(Mapping):
    """A dict of lazy labels (kinds, statuses, roles) as templates read it: each label is
    translated once per catalog and process, not again on every row that shows it. Values
    are plain text, escaped where they are printed."""

    def __init__(self, labels: dict):
        self._labels = labels
        self._by_catalog: dict = {}

    def _texts(self) -> dict:
        catalog = babel.domain_instance.get_translations()
        texts = self._by_catalog.get(catalog)
        if texts is None:
            if len(self._by_catalog) > 16:  # catalogs made outside any context
                self._by_catalog.clear()
            texts = {key: str(label) for key, label in self._labels.items()}
            self._by_catalog[catalog] = texts
        return texts

    def __getitem__(self, key):
        return self._texts()[key]

    def __iter__(self):
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def _meeting_labels() -> dict:
    return {
        "KIND_LABELS": TranslatedLabels(models.KIND_LABELS),
        "STATUS_LABELS": TranslatedLabels(models.STATUS_LABELS),
        "ROLE_LABELS": TranslatedLabels(models.ROLE_LABELS),
        "HOST_SIDE_LABELS": TranslatedLabels(models.HOST_SIDE_LABELS),
        "PLATFORM_SUGGESTIONS": forms.PLATFORM_SUGGESTIONS,
    }


def register_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        localized=localized,
        other_script=other_script,
        person_name=person_name,
        user_name=user_name,
        current_language=current_language,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        ROLE_NAMES=TranslatedLabels(ROLE_NAMES),
        KIND_NAMES=TranslatedLabels(KIND_NAMES),
        meeting_time=meeting_time,
        tech_check_text=tech_check_text,
        meeting_place=meeting_place,
        meeting_path_prefix=meeting_path_prefix,
        **_meeting_labels(),
        viewer_zone=viewer_zone,
        office_name=office_name,
        list_separator=list_separator,
    )
    app.jinja_env.globals.update(
        zone_name=zone_name, zone_label=zone_label, side_clock_names=side_clock_names
    )
    app.jinja_env.filters["join_list"] = join_list
    app.jinja_env.filters["josa"] = with_particle
    app.jinja_env.filters["in_zone"] = format_when
    app.jinja_env.filters["date"] = _date


def _date(day, fmt: str | None = None) -> str:
    """A date as the reader writes it (weekday; year when not this year), or Babel's *fmt*."""
    if not day:
        return ""
    return format_date(day, fmt) if fmt else format_day(day)
