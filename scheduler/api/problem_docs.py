"""The problem documents in the OpenAPI document: one shared `Problem` schema, and on every
operation the refusals any request may get (bad input, token, role, absence, size, rate),
each as ``application/problem+json``. So a client generated from the document, and
Schemathesis checking the API against it, know every answer the API gives."""

from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from marshmallow import fields as f

from scheduler.api.problems import PROBLEM_MIMETYPE, REASONS

# The refusals every operation may answer; anything else unexpected is the "default".
DOCUMENTED = (400, 401, 403, 404, 406, 413, 415, 422, 429)


class FieldProblemSchema(ma.Schema):
    name = f.String(required=True, metadata={"description": "the field, nested ones with dots"})
    reason = f.String(required=True, validate=ma.validate.OneOf(sorted(REASONS)))
    detail = f.String(required=True, metadata={"description": "translated by Accept-Language"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details; a problem may add extension members (e.g. the clashes of
    a 409), so other members are allowed."""

    class Meta:
        unknown = ma.INCLUDE

    type = f.String(required=True, metadata={"description": "stable URI naming the problem"})
    title = f.String(required=True)
    status = f.Integer(required=True)
    detail = f.String(required=True, metadata={"description": "translated by Accept-Language"})
    errors = f.List(f.Nested(FieldProblemSchema), metadata={"description": "for bad input"})


def response_name(status: int) -> str:
    """The component name of the problem answer for *status* (``PROBLEM_400``)."""
    return f"PROBLEM_{status}"


class ProblemResponses(BasePlugin):
    """An apispec plugin: every operation lists the DOCUMENTED problem answers (replacing
    flask-smorest's JSON "Error" ones: the API answers problem documents only)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status in DOCUMENTED:
                responses[str(status)] = response_name(status)
            responses["default"] = "PROBLEM_DEFAULT"


def register_problem_components(spec) -> None:
    """The shared schema and one response component per DOCUMENTED status (and default)."""
    spec.components.schema("Problem", schema=ProblemSchema)
    content = {PROBLEM_MIMETYPE: {"schema": "Problem"}}
    for status in DOCUMENTED:
        phrase = HTTPStatus(status).phrase
        spec.components.response(response_name(status), {"description": phrase, "content": content})
    spec.components.response(
        "PROBLEM_DEFAULT", {"description": "Any other problem", "content": content}
    )
