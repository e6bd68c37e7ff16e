"""The REST blueprint type: flask-smorest with the contract's body rules."""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.errors import ApiError, validation_error
from app.schemas import MAX_ID, MAX_MESSAGE_ID, UNSTORABLE_TEXT, unstorable_fields


class RowIdConverter(IntegerConverter):
    """`<id:name>`: a user's or a room's id. A larger number names no row: 404.

    Raised here, since a converter that only declines to match would leave
    the path to the route's other methods, and a POST would be a 405.
    """

    def __init__(self, url_map: Any, maximum: int = MAX_ID) -> None:
        super().__init__(url_map, min=1)
        self.maximum = maximum

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > self.maximum:
            raise NotFound()
        return number


class MessageIdConverter(RowIdConverter):
    """`<message_id:name>`: a message's id (64-bit)."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, maximum=MAX_MESSAGE_ID)


def id_parameter_schema(converter: RowIdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": converter.min, "maximum": converter.maximum}


def register_converters(app: flask.Flask, api: flask_smorest.Api) -> None:
    for name, converter in (("id", RowIdConverter), ("message_id", MessageIdConverter)):
        app.url_map.converters[name] = converter
        api.register_converter(converter, id_parameter_schema)


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

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        for name, value in req.args.items(multi=True):
            if unstorable_fields({name: value}):
                raise validation_error(name, UNSTORABLE_TEXT)
        return super().load_querystring(req, schema)


def json_object_body(req: flask.Request) -> dict[str, Any]:
    raw = req.get_data(cache=True)
    limit = req.max_content_length
    if req.content_length is None and limit is not None and len(raw) >= limit:
        # Werkzeug cuts a chunked body at the limit without a word: one that
        # reaches the limit is taken as over it.
        raise ApiError("payload_too_large")
    if not raw.strip():
        return {}
    if not is_json_request(req):
        raise ApiError("bad_request", "The body must be JSON (Content-Type: application/json).")
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise ApiError("bad_request", "The body must be a JSON object.")
    fields = unstorable_fields(value)
    if fields:
        names = ", ".join(sorted(fields))
        raise ApiError("validation_error", f"Invalid value for {names}.", fields=fields)
    return value


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON (RFC 8259: no NaN or Infinity); 400 bad_request otherwise.

    Python's parser recurses once per level: a body of thousands of nested
    arrays is refused, not a crash.
    """
    try:
        return json.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("bad_request", "The body is not valid JSON.") from exc
    except RecursionError as exc:
        raise ApiError("bad_request", "The body is nested too deeply.") from exc


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ContractParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # webargs builds a schema given as a class again on every request
        # (marshmallow copies each declared field): build it once here.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
