"""Helpers every template can use."""

from flask import Flask
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from scheduler.i18n import current_language, localized, other_script, person_name, user_name
from scheduler.timefmt import format_in_zone

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
    )
    app.jinja_env.filters["in_zone"] = format_in_zone
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
