"""Admin page: the year's holidays and make-up workdays of one country, and staff overrides."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.availability import services
from scheduler.availability.forms import ClearOverrideForm, MoveOverrideForm, OverrideForm
from scheduler.availability.holidays import name_in, notable_days
from scheduler.db import now_utc
from scheduler.errors import UserError
from scheduler.i18n import current_language
from scheduler.security import roles_required

bp = Blueprint("holidays_admin", __name__, url_prefix="/admin/holidays")

KIND_LABELS = {
    "holiday": _l("Holiday"),
    "makeup_workday": _l("Make-up working day"),
    "workday": _l("Working day"),
    "weekend": _l("Weekend"),
}
# NOTE: holiday table: the day comes from the statutory holiday calendar
SOURCE_LABELS = {"package": _l("Official calendar"), "override": _l("Staff override")}
COUNTRY_LABELS = {"CN": _l("China"), "KR": _l("Korea")}


class PageError(UserError):
    """A bad country or year in the address; shown as a 400 page."""


def _office_year() -> int:
    return now_utc().astimezone(ZoneInfo(current_app.config["OFFICE_TIMEZONE"])).year


def _plain_int(text: str) -> int:
    """*text* as a number when it is ASCII digits only, else 0 (never a valid year)."""
    return int(text) if text.isascii() and text.isdigit() else 0


def _page_params() -> tuple[str, int]:
    try:
        country = services.parse_country(request.args.get("country", "CN"))
    except services.OverrideError as error:
        raise PageError(str(error)) from error
    raw_year = request.args.get("year", "").strip()
    year = _office_year() if not raw_year else _plain_int(raw_year)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        message = _(
            "Use a year between %(first)d and %(last)d.",
            first=services.FIRST_YEAR,
            last=services.LAST_YEAR,
        )
        raise PageError(message)
    return country, year


def _rows(country: str, year: int) -> list[dict]:
    lang = current_language()
    overrides = services.year_overrides(country, year)
    return [
        {
            "day": day,
            "kind": KIND_LABELS[info.kind],
            "name": name_in(info.names, lang),
            "source": info.source,
            "source_label": SOURCE_LABELS[info.source],
        }
        for day, info in notable_days(country, year, overrides)
    ]


def _render(country: str, year: int, status: int = 200, error: str | None = None, **forms):
    forms.setdefault("set_form", OverrideForm(formdata=None, country=country))
    forms.setdefault("move_form", MoveOverrideForm(formdata=None, country=country))
    return render_template(
        "availability/holidays.html",
        country=country,
        year=year,
        rows=_rows(country, year),
        countries=COUNTRY_LABELS,
        error=error,
        **forms,
    ), status


def _error_page(message: str):
    return render_template("errors/error.html", code=400, message=message), 400


@bp.route("")
@roles_required("admin")
def show_holidays():
    try:
        country, year = _page_params()
    except PageError as error:
        return _error_page(str(error))
    return _render(country, year)


def _back_to(country: str, day: date):
    return redirect(url_for("holidays_admin.show_holidays", country=country, year=day.year))


def _failed(form_name: str, form, message: str | None = None):
    """Re-show the page of the submitted country and year with the errors; status 400 (the
    commit point rolls back whatever the request had changed)."""
    country = (form.country.data or "").strip().upper()
    country = country if country in COUNTRY_LABELS else "CN"
    message = message or _("Nothing was changed. Please correct the marked fields.")
    return _render(country, _year_arg(), 400, error=message, **{form_name: form})


def _year_arg() -> int:
    """The year the form was posted from (the page's address carries it), else this year."""
    year = _plain_int(request.args.get("year", "").strip())
    return year if services.FIRST_YEAR <= year <= services.LAST_YEAR else _office_year()


@bp.route("/set", methods=["POST"])
@roles_required("admin")
def set_override():
    form = OverrideForm()
    if not form.validate_on_submit():
        return _failed("set_form", form)
    names = {"zh": form.name_zh.data, "ko": form.name_ko.data, "en": form.name_en.data}
    checked = services.check_override(form.country.data, form.day.data, form.kind.data, names)
    services.set_override(checked)
    flash(_("The override for %(day)s has been saved.", day=checked.day.isoformat()), "success")
    return _back_to(checked.country, checked.day)


@bp.route("/move", methods=["POST"])
@roles_required("admin")
def move_override():
    form = MoveOverrideForm()
    if not form.validate_on_submit():
        return _failed("move_form", form)
    country = services.parse_country(form.country.data)
    from_day, to_day = services.parse_day(form.from_day.data), services.parse_day(form.to_day.data)
    try:
        services.move_override(country, from_day, to_day)
    except services.OverrideError as error:
        return _failed("move_form", form, str(error))
    flash(_("The override has been moved to %(day)s.", day=to_day.isoformat()), "success")
    return _back_to(country, to_day)


@bp.route("/clear", methods=["POST"])
@roles_required("admin")
def clear_override():
    form = ClearOverrideForm()
    if not form.validate_on_submit():
        return _failed("clear_form", form, _("This override could not be removed."))
    country, day = services.parse_country(form.country.data), services.parse_day(form.day.data)
    if not services.clear_override(country, day):
        return _failed(
            "clear_form", form, _("There is no override on %(day)s.", day=day.isoformat())
        )
    flash(_("The override for %(day)s has been removed.", day=day.isoformat()), "success")
    return _back_to(country, day)
