"""Fields and schemas shared by every blueprint."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

ISO_MILLIS = "%Y-%m-%dT%H:%M:%S"

# The largest id a row can have: users and rooms have 32-bit keys on
# PostgreSQL, messages 64-bit. A larger id names no row (404 in a path, 422
# in a parameter) rather than reaching the database.
MAX_ID = 2**31 - 1
MAX_MESSAGE_ID = 2**63 - 1
ROW_ID = validate.Range(min=1, max=MAX_ID)
MESSAGE_ID = validate.Range(min=1, max=MAX_MESSAGE_ID)
MESSAGE_CURSOR = validate.Range(min=0, max=MAX_MESSAGE_ID)


def is_row_id(value: int, maximum: int = MAX_ID) -> bool:
    """Whether a row can have this id; one that cannot is looked up nowhere."""
    return 1 <= value <= maximum


UNSTORABLE_TEXT = "must be Unicode text without NUL characters or lone surrogates"


def is_storable(text: str) -> bool:
    """Text both databases can store: no NUL (PostgreSQL refuses it) and no
    lone surrogate (not Unicode; no encoder takes it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_fields(data: dict[str, Any]) -> dict[str, list[str]]:
    """The top-level fields of `data` holding a string, at any depth, that `is_storable` refuses."""
    bad: dict[str, list[str]] = {}
    for key, value in data.items():
        todo = [value]
        while todo:
            item = todo.pop()
            if isinstance(item, str):
                if not is_storable(item):
                    bad[str(key) if is_storable(str(key)) else "_body"] = [UNSTORABLE_TEXT]
                    break
            elif isinstance(item, dict):
                todo.extend(item.values())
                todo.extend(item.keys())
            elif isinstance(item, list):
                todo.extend(item)
    return bad


def format_timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and `Z`, as the contract requires."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return f"{value.strftime(ISO_MILLIS)}.{value.microsecond // 1000:03d}Z"


class Timestamp(fields.Field):
    """A read-only timestamp rendered with `format_timestamp`."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return format_timestamp(value)


class Trimmed(fields.String):
    """A string trimmed of surrounding white space before validation."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class StrictInteger(fields.Integer):
    """An integer that refuses booleans and numeric strings in JSON bodies."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """true or false only; JSON bodies do not get "yes" or 1 coerced."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def validate_password(value: str) -> None:
    problems = []
    size = len(value.encode("utf-8"))
    if size < 8:
        problems.append("must be at least 8 characters")
    if size > 72:
        problems.append("must be at most 72 bytes in UTF-8")
    if not any(ch.islower() for ch in value):
        problems.append("must contain a lower-case letter")
    if not any(ch.isupper() for ch in value):
        problems.append("must contain an upper-case letter")
    if not any(ch.isdigit() for ch in value):
        problems.append("must contain a digit")
    if problems:
        raise ma.ValidationError(problems)


def password_field(**kwargs: Any) -> fields.String:
    """A new password: kept exactly as sent, checked against the password rules."""
    return fields.String(validate=validate_password, **kwargs)


USERNAME = validate.Regexp(
    r"^[A-Za-z0-9_.\-]{3,32}$",
    error="must be 3 to 32 characters of letters, digits, _ . -",
)


def username_field(**kwargs: Any) -> Trimmed:
    return Trimmed(validate=USERNAME, **kwargs)


class LowerEmail(fields.Email):
    """An e-mail address, trimmed and stored lower-cased."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs).lower()


def email_field(**kwargs: Any) -> LowerEmail:
    return LowerEmail(validate=validate.Length(max=254), **kwargs)


class BaseSchema(ma.Schema):
    """Unknown fields are ignored, as the contract says."""

    class Meta:
        unknown = ma.EXCLUDE


class ErrorSchema(ma.Schema):
    """The contract's error, for REST and acks alike (OpenAPI's error responses)."""

    error = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "on validation_error, and on conflict to name the field"},
    )


class PageArgs(BaseSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    cursor = fields.Integer(validate=ROW_ID)


def page_schema(name: str, item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The contract's paged list: `{name: [...], has_more, next_cursor}`."""
    return ma.Schema.from_dict(
        {
            name: fields.List(fields.Nested(item_schema), required=True),
            "has_more": fields.Boolean(required=True),
            "next_cursor": fields.Integer(allow_none=True),
        },
        name=f"{name.title()}Page",
    )
