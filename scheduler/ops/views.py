"""/healthz (no login, nothing secret) and /metrics (a bearer token, METRICS_TOKEN)."""

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from scheduler.ops import health
from scheduler.ops.metrics import exposition
from scheduler.security import public

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
def healthz():
    """200 when every check passes, else 503; the same JSON keys either way."""
    result = health.report()
    response = jsonify(result)
    response.status_code = 200 if result["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _token_given() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@bp.get("/metrics")
@public
def metrics():
    """Prometheus text format for a scraper holding METRICS_TOKEN; 404 while it is unset
    (the endpoint does not exist until an operator gives it a token)."""
    expected = current_app.config.get("METRICS_TOKEN") or ""
    if not expected:
        abort(404)
    if not hmac.compare_digest(_token_given().encode(), expected.encode()):
        return Response(
            "A bearer token is required.\n",
            401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST.split(";")[0])
