"""The API against its own contract (issue 17.6): Schemathesis generates requests from
/api/v1/openapi.json and sends them to the app (WSGI, no server), with a fixed seed and a
bounded number of examples per operation (25 valid, 10 invalid), with a read token and with
a write token; every answer must be no 5xx and match the document (status documented,
content type, body schema, headers), for valid input and for input it says is invalid."""

import marshmallow as ma
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.exceptions import HTTPException

from scheduler.api.handlers import http_problem
from scheduler.api.parsing import StrictParser
from scheduler.api.schemas import Strict

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation: valid input explores the answers; invalid input needs fewer to show
# each refusal is a documented problem (and keeps the whole run near a minute).
MAX_EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}


@pytest.fixture
def schema(app, db):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations(schema) -> list:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4  # partners (list, one), meetings (list, one) and more to come
    return operations


def _run(operation, mode: GenerationMode, headers: dict) -> None:
    @settings(
        max_examples=MAX_EXAMPLES[mode],
        derandomize=True,  # a fixed seed: the same requests on every run
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("scope", ["read", "write"])
def test_every_operation_keeps_its_contract(schema, api_token, make_meeting, scope):
    make_meeting()  # something to list and to read
    _user, headers = api_token("coordinator", scope)
    for operation in _operations(schema):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers)


def test_control_characters_in_a_json_body_are_refused(app):
    """What Schemathesis found on PostgreSQL (a NUL in a JSON field reached a query: 500): a
    body's control characters are refused before any field sees them; CR LF is a line."""
    schema = Strict.from_dict({"title": ma.fields.String(), "notes": ma.fields.String()})()
    parser = StrictParser()
    bodies = ({"title": "a\x00b"}, {"notes": ["x", "\x1b"]}, {"ti\rtle": "x"})
    for body in bodies:
        with app.test_request_context(
            "/api/v1/x", method="POST", json=body, headers={"Accept-Language": "ko"}
        ):
            with pytest.raises(HTTPException) as refused:
                parser.parse(schema, location="json")
            answer = http_problem(refused.value)
            assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
            [error] = answer.json["errors"]
            assert (error["reason"], error["detail"]) == (
                "invalid",
                "여기에서는 올바르지 않은 값입니다.",
            ), body
    body = {"title": "한중 화상회의", "notes": "첫째 줄\r\n둘째 줄\t끝"}
    with app.test_request_context("/api/v1/x", method="POST", json=body):
        parsed = parser.parse(schema, location="json")
    assert parsed == {"title": "한중 화상회의", "notes": "첫째 줄\n둘째 줄\t끝"}
