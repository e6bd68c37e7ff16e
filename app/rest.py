"""The REST blueprint type: flask-smorest with the contract's body rules."""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser, is_json_request

from app.errors import ApiError


class ContractParser(FlaskParser):
    """webargs parsing with the contract's rules for JSON bodies.

    A body that is not JSON, or not a JSON object, is a 400 bad_request rather
    than webargs' silent fallback to "no data"; an empty body is an empty
    object, so missing required fields are named in a 422.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "json": ma.EXCLUDE,
        "query": ma.EXCLUDE,
    }

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        return json_object_body(req)


def json_object_body(req: flask.Request) -> dict[str, Any]:
    raw = req.get_data(cache=True)
    if not raw.strip():
        return {}
    if not is_json_request(req):
        raise ApiError("bad_request", "The body must be JSON (Content-Type: application/json).")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("bad_request", "The body is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise ApiError("bad_request", "The body must be a JSON object.")
    return value


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ContractParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # webargs builds a schema given as a class again on every request
        # (marshmallow copies each declared field): build it once here.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
