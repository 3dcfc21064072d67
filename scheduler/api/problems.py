"""Errors as RFC 9457 problem details (``application/problem+json``).

Every refusal under /api/v1 is one JSON object: a stable ``type`` URI (documented on the
docs page, never renamed), ``title`` (English, for people reading logs), ``status``,
``detail`` translated by Accept-Language (zh, ko, en; English when none matches: a script
has no saved language) and, for bad input, ``errors``: the fields at fault and why.
"""

from flask import Response, json, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.http import HTTP_STATUS_CODES

from scheduler.i18n import normalize_locale
from scheduler.sides import LANGUAGE_TAGS

TYPE_BASE = "https://cnkr-scheduler.invalid/problems/"  # a name, not an address to fetch
PROBLEM_MIMETYPE = "application/problem+json"
_API_LANGUAGES = ["zh_CN", "zh", "ko_KR", "ko", "en"]

# status → (type slug, translated detail). One entry per status the API answers.
PROBLEMS = {
    400: ("bad-request", _l("The request is malformed. Check the fields listed in errors.")),
    401: (
        "unauthorized",
        _l("A valid API token is needed. Send it as: Authorization: Bearer <token>."),
    ),
    403: ("forbidden", _l("This token's user or scope does not allow this action.")),
    404: ("not-found", _l("There is nothing at this address.")),
    405: ("method-not-allowed", _l("This method is not allowed at this address.")),
    406: ("not-acceptable", _l("The API answers only in JSON.")),
    409: ("conflict", _l("The change conflicts with the current state.")),
    412: ("precondition-failed", _l("The record has changed since you read it.")),
    413: ("payload-too-large", _l("The request body is too large.")),
    415: ("unsupported-media-type", _l("Send the request body as application/json.")),
    422: ("unprocessable", _l("Some values are not valid. Check the fields listed in errors.")),
    429: ("too-many-requests", _l("Too many requests. Please wait a while and try again.")),
    500: ("server-error", _l("Something went wrong on our side. Please try again later.")),
    503: (
        "unavailable",
        _l("The system is briefly unavailable. Please try again in a few minutes."),
    ),
}

# Why one field was refused: a stable code and its translated reason.
REASONS = {
    "unknown": _l("This field is not known here."),
    "naive": _l("A time needs a zone offset or Z, for example 2027-03-01T09:00:00+08:00."),
    "zone": _l("This time zone does not exist. Use an IANA name such as Asia/Seoul."),
    "cursor": _l("This page cursor does not belong to this list. Start from the first page."),
    "invalid": _l("This value is not valid here."),
    "missing": _l("This field is required."),
}


def problem_type(status: int) -> str:
    """The stable ``type`` URI of the problem answered with *status*."""
    slug = PROBLEMS.get(status, PROBLEMS[500])[0]
    return TYPE_BASE + slug


def api_language() -> str:
    """The language of the problem's ``detail``: the best of Accept-Language, else English."""
    matched = request.accept_languages.best_match(_API_LANGUAGES)
    return normalize_locale(matched) or "en"


def problem(status: int, errors: dict[str, str] | None = None, detail=None) -> Response:
    """The problem document for *status*; *errors* maps field names to REASONS codes."""
    status = status if status in PROBLEMS else (500 if status >= 500 else 400)
    slug, default_detail = PROBLEMS[status]
    lang = api_language()
    with force_locale(lang):
        body = {
            "type": TYPE_BASE + slug,
            "title": HTTP_STATUS_CODES.get(status, "Error"),
            "status": status,
            "detail": str(detail or default_detail),
        }
        if errors:
            body["errors"] = [
                {"name": name, "reason": code, "detail": str(REASONS[code])}
                for name, code in sorted(errors.items())
            ]
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_MIMETYPE)
    response.headers["Content-Language"] = LANGUAGE_TAGS[lang]
    return response
