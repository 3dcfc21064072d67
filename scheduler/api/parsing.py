"""Reading requests: unknown fields refused (also in the query), and every refusal sorted
into the problem it is (400 for what is malformed, 422 for a value that does not fit)."""

import marshmallow as ma
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from scheduler.api.problems import REASONS
from scheduler.text import first_control, normalize_newlines

# What marshmallow says, and which REASONS code it is. Our own fields raise the code itself.
_MARSHMALLOW_REASONS = {"Unknown field.": "unknown", "Missing data for required field.": "missing"}
MALFORMED = frozenset({"unknown", "naive", "cursor"})  # 400; the other reasons are 422


class StrictParser(FlaskParser):
    """webargs' parser, except that a query parameter the operation does not know is refused
    like an unknown body field: a misspelt filter must not silently list everything."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": ma.RAISE}

    def pre_load(self, location_data, *, schema, req, location):
        """A JSON body's strings with CR LF as LF, and refused (422, "invalid", the reason the
        services give) when one holds another control character than tab or line feed,
        before any field sees it, as every form does: NUL cannot even be stored in
        PostgreSQL, a CR breaks calendars and mail. (Address and query: `security._refuse_nul`.)"""
        if location != "json":
            return location_data
        data = _newlines_normalized(location_data)
        found = list(_with_controls(data, ""))
        if found:
            raise ma.ValidationError({name or "body": ["invalid"] for name in found})
        return data


def _newlines_normalized(node):
    if isinstance(node, str):
        return normalize_newlines(node)
    if isinstance(node, dict):
        return {key: _newlines_normalized(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_newlines_normalized(value) for value in node]
    return node


def _with_controls(node, path: str):
    """The dotted names of the strings (keys too) in *node* holding a control character."""
    if isinstance(node, str):
        if first_control(node, multiline=True):
            yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            name = f"{path}.{key}" if path else str(key)
            if first_control(str(key)):
                yield name
            else:
                yield from _with_controls(value, name)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _with_controls(value, f"{path}.{index}" if path else str(index))


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint reading its arguments with `StrictParser`."""

    ARGUMENTS_PARSER = StrictParser()


def _reason(message) -> str:
    if isinstance(message, str):
        return message if message in REASONS else _MARSHMALLOW_REASONS.get(message, "invalid")
    return "invalid"


def field_reasons(messages: dict) -> dict[str, str]:
    """webargs' ``{location: {field: [message, …]}}`` as ``{field: reason code}`` (a nested
    field is named with dots)."""
    found: dict[str, str] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            found[path or "body"] = _reason(node[0])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}.{index}")
        else:
            found[path or "body"] = _reason(node)

    for value in messages.values():  # the location (query, json) is not part of the name
        walk(value, "")
    return found


def refuse(field: str, reason: str, status: int | None = None):
    """Answer a problem naming *field* and *reason* (a REASONS code) from inside a view."""
    from flask_smorest import abort

    code = status or (400 if reason in MALFORMED else 422)
    abort(code, messages={"query": {field: [reason]}})


class ZoneField(ma.fields.String):
    """An IANA zone name `zoneinfo` knows (aliases mapped to their zone, as in the forms)."""

    def _deserialize(self, value, attr, data, **kwargs):
        from scheduler.timefmt import normalize_timezone

        zone = normalize_timezone(super()._deserialize(value, attr, data, **kwargs))
        if zone is None:
            raise ma.ValidationError("zone")
        return zone


def aware_datetime(**kwargs) -> ma.fields.AwareDateTime:
    """An ISO 8601 date-time with an offset or Z; a naive one is refused as malformed."""
    return ma.fields.AwareDateTime(
        format="iso", error_messages={"invalid_awareness": "naive"}, **kwargs
    )
