"""The API's wiring: flask-smorest makes /api/v1/openapi.json (OpenAPI 3.1) from the views
and schemas; /api/v1/docs renders that document with our own script (no CDN).

Why flask-smorest: it works on our existing Flask app and blueprints (APIFlask wants its own
app class), it is kept by the marshmallow team, and it reads arguments with webargs, whose
errors we turn into problem documents; SpecTree would bring pydantic beside the WTForms and
marshmallow-free code base for the same result. Its own JSON error handler is not installed:
`scheduler.api.handlers` answers problem details instead, and only under /api/.
"""

import functools
import inspect

from flask import Flask, render_template, request
from flask_smorest import Api

from scheduler.api.auth import authenticate_request, unauthorized_headers
from scheduler.api.contacts import bp as contacts_bp
from scheduler.api.feeds import bp as feeds_bp
from scheduler.api.handlers import answer_problems_under_api, register_problem_handlers
from scheduler.api.history import bp as history_bp
from scheduler.api.meeting_writes import bp as meeting_writes_bp
from scheduler.api.meetings import bp as meetings_bp
from scheduler.api.participants import bp as participants_bp
from scheduler.api.partners import bp as partners_bp
from scheduler.api.problem_docs import ProblemResponses, register_problem_components
from scheduler.api.problems import documented_problems
from scheduler.api.rate_limits import limit_request
from scheduler.api.series import bp as series_bp
from scheduler.api.series_writes import bp as series_writes_bp
from scheduler.api.slots import bp as slots_bp
from scheduler.api.visits import bp as visits_bp
from scheduler.extensions import csrf
from scheduler.security import public

API_SETTINGS = {
    "API_TITLE": "China–ROK exchange scheduler API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No Swagger UI, ReDoc or RapiDoc: they would load their scripts from a CDN.
}


class ProblemApi(Api):
    """flask-smorest's Api without its app-wide JSON error handler (the pages keep theirs)
    and without its JSON error responses: `problem_docs` documents the problem answers."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


def _conditional_get(response):
    """A strong ETag on every successful read; If-None-Match with it answers 304."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    response.headers.setdefault("Cache-Control", "private, no-cache")  # a new secret: no-store
    response.vary.update(("Authorization", "Accept-Language"))
    return response


def _docs_page():
    return render_template("api/docs.html", problems=documented_problems())


# Every resource module's blueprint (endpoints named api_v1_*): add a new module here.
RESOURCES = (
    partners_bp,
    meetings_bp,
    meeting_writes_bp,
    participants_bp,
    contacts_bp,
    series_bp,
    series_writes_bp,
    visits_bp,
    slots_bp,
    feeds_bp,
    history_bp,
)

# Set up once, when the module is imported (a blueprint takes no setup once registered).
for _bp in RESOURCES:
    _bp.before_request(authenticate_request)
    _bp.before_request(limit_request)  # after: it counts per token
    _bp.after_request(_conditional_get)
    _bp.after_request(unauthorized_headers)
register_problem_handlers(RESOURCES)


def register_api(app: Flask) -> None:
    """Register /api/v1: the resources (bearer token only), the document and its page."""
    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    spec_kwargs = {"security": [{"bearer": []}], "extra_plugins": [ProblemResponses()]}
    api = ProblemApi(app, spec_kwargs=spec_kwargs)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    register_problem_components(api.spec)
    for bp in RESOURCES:
        csrf.exempt(bp)  # see scheduler.api.auth: no cookie counts here
        api.register_blueprint(bp)
    app.add_url_rule("/api/v1/docs", "api_docs", _docs_page)
    answer_problems_under_api(app)
    # The login guard lets these through; the resources check their bearer token themselves,
    # and the document and its page hold no data.
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(("api_v1_", "api-docs.")) or endpoint == "api_docs":
            app.view_functions[endpoint] = public(_as_function(view))


def _as_function(view):
    """*view* itself, or a plain function calling it (a bound method takes no attribute)."""
    if not inspect.ismethod(view):
        return view
    return functools.wraps(view)(lambda *args, **kwargs: view(*args, **kwargs))
