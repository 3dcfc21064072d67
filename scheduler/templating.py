"""Helpers every template can use."""

from flask import Flask
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from scheduler.i18n import current_language, localized, other_script, person_name, user_name
from scheduler.timefmt import dual_clock, format_in_zone, other_side_zone

LANGUAGE_NAMES = {"zh": "中文", "ko": "한국어", "en": "English"}
ROLE_NAMES = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator"),
    "viewer": _l("Viewer"),
}
KIND_NAMES = {
    "special_city": _l("Special city"),
    "metropolitan_city": _l("Metropolitan city"),
    "special_self_governing_city": _l("Special self-governing city"),
    "province": _l("Province"),
    "special_self_governing_province": _l("Special self-governing province"),
    "integrated_special_city": _l("Integrated special city"),
}


def viewer_zone() -> str:
    from flask import current_app
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["OFFICE_TIMEZONE"]


def meeting_time(meeting) -> str:
    """The meeting's time on the viewer's clock and on the other side's."""
    own = viewer_zone()
    return dual_clock(meeting.start_dt, own, other_side_zone(own), end=meeting.end_dt)


def _meeting_labels() -> dict:
    from scheduler.meetings import forms

    return {
        "KIND_LABELS": forms.KIND_LABELS,
        "STATUS_LABELS": forms.STATUS_LABELS,
        "ROLE_LABELS": forms.ROLE_LABELS,
        "HOST_SIDE_LABELS": forms.HOST_SIDE_LABELS,
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
        ROLE_NAMES=ROLE_NAMES,
        KIND_NAMES=KIND_NAMES,
        meeting_time=meeting_time,
        **_meeting_labels(),
        viewer_zone=viewer_zone,
    )
    app.jinja_env.filters["in_zone"] = format_in_zone
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
