"""The one error type of the API, and the one place that renders errors.

REST responses and Socket.IO acks share the shape
`{"error": code, "message": text, "fields"?: {...}}`.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Flask, Response, jsonify
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

STATUS_BY_CODE: dict[str, int] = {
    "bad_request": 400,
    "unauthorized": 401,
    "invalid_credentials": 401,
    "forbidden": 403,
    "account_disabled": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "validation_error": 422,
    "rate_limited": 429,
    "internal_error": 500,
    "unavailable": 503,
}

CODE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "bad_request",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

DEFAULT_MESSAGES: dict[str, str] = {
    "bad_request": "The request could not be understood.",
    "unauthorized": "Authentication is required.",
    "invalid_credentials": "The login or password is wrong.",
    "forbidden": "You are not allowed to do that.",
    "account_disabled": "This account is deactivated.",
    "not_found": "Not found.",
    "method_not_allowed": "This method is not allowed here.",
    "conflict": "That conflicts with the current state.",
    "payload_too_large": "The request body is larger than 64 KiB.",
    "validation_error": "Some values are invalid.",
    "rate_limited": "Too many requests; slow down.",
    "internal_error": "Something went wrong on our side.",
    "unavailable": "A service this request needs is unavailable.",
}

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error of the contract: a code, its HTTP status, a message, and fields."""

    def __init__(
        self,
        error: str,
        message: str | None = None,
        *,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        if error not in STATUS_BY_CODE:
            raise ValueError(f"unknown error code {error!r}")
        self.error = error
        self.status = STATUS_BY_CODE[error]
        self.message = message or DEFAULT_MESSAGES[error]
        self.fields = fields
        self.headers = headers or {}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


def not_found(what: str = "resource") -> ApiError:
    return ApiError("not_found", f"No such {what}.")


def validation_error(field: str, message: str) -> ApiError:
    return ApiError("validation_error", f"{field}: {message}", fields={field: [message]})


def conflict(field: str | None, message: str) -> ApiError:
    return ApiError("conflict", message, fields={field: [message]} if field else None)


def render(error: ApiError) -> Response:
    response = jsonify(error.to_dict())
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def flatten_webargs_messages(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs groups messages by location ({"json": {...}}); clients want fields."""
    fields: dict[str, Any] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            fields.update(location_messages)
        else:
            fields.setdefault("_body", []).extend(location_messages)
    return fields


def from_http_exception(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    code = CODE_BY_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
    data = getattr(exc, "data", None) or {}
    if code == "validation_error" and "messages" in data:
        fields = flatten_webargs_messages(data["messages"])
        names = ", ".join(sorted(fields))
        return ApiError("validation_error", f"Invalid value for {names}.", fields=fields)
    if code == "rate_limited":
        return ApiError("rate_limited", headers={"Retry-After": str(retry_after_seconds())})
    message = None if status >= 500 else _exception_message(exc, code)
    # A 405 names the methods the resource has (RFC 9110 section 15.5.6).
    allow = {k: v for k, v in exc.get_headers() if k == "Allow"}
    return ApiError(code, message, headers=allow)


def _exception_message(exc: HTTPException, code: str) -> str | None:
    # werkzeug's stock descriptions are fine for most codes, but 404/405 read
    # better from our own table.
    if code in ("not_found", "method_not_allowed", "payload_too_large"):
        return None
    return exc.description


def retry_after_seconds() -> int:
    from app.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def register_error_handlers(app: Flask) -> None:
    from app.extensions import db

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException) -> Response:
        return render(from_http_exception(exc))

    @app.errorhandler(OperationalError)
    def handle_database_down(exc: DBAPIError) -> Response:
        db.session.rollback()
        log.error("database unavailable: %s", exc.orig)
        return render(ApiError("unavailable", "The database is unavailable."))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        db.session.rollback()
        log.exception("unhandled error")
        return render(ApiError("internal_error"))
