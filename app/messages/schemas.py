"""Message representation and the arguments of the message routes."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from app.schemas import (
    MESSAGE_CURSOR,
    MESSAGE_ID,
    BaseSchema,
    StrictInteger,
    Timestamp,
    Trimmed,
)
from app.users.schemas import UserSummarySchema

MAX_CONTENT = 4000


class MessageSchema(BaseSchema):
    id = fields.Integer()
    room_id = fields.Integer()
    sender = fields.Nested(UserSummarySchema, allow_none=True)
    content = fields.String()
    created_at = Timestamp()
    edited_at = Timestamp(allow_none=True)
    deleted = fields.Boolean()
    client_id = fields.String(allow_none=True)


def validate_content(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be empty or only white space")
    if len(value) > MAX_CONTENT:
        raise ValidationError(f"must be at most {MAX_CONTENT} characters")


def content_field() -> fields.String:
    """Message text: kept exactly as sent, 1 to 4000 characters, not only white space."""
    return fields.String(required=True, validate=validate_content)


class PostMessageArgs(BaseSchema):
    content = content_field()
    client_id = Trimmed(validate=validate.Length(min=1, max=64), allow_none=True)


class EditMessageArgs(BaseSchema):
    content = content_field()


class HistoryArgs(BaseSchema):
    before = fields.Integer(validate=MESSAGE_ID)
    after = fields.Integer(validate=MESSAGE_CURSOR)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))

    @validates_schema
    def one_direction(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "before" in data and "after" in data:
            raise ValidationError("give before or after, not both", "after")


class MarkReadArgs(BaseSchema):
    message_id = StrictInteger(required=True, validate=MESSAGE_ID)


class MessagePageSchema(BaseSchema):
    messages = fields.List(fields.Nested(MessageSchema))
    has_more = fields.Boolean()
    next_cursor = fields.Integer(allow_none=True)
