"""Chat codes and direct conversations."""

from __future__ import annotations

from marshmallow import fields, validate

from app.schemas import BaseSchema, Timestamp, Trimmed

CODE = validate.Regexp(r"^\d{5}$", error="must be five digits")


class ChatCodeSchema(BaseSchema):
    code = fields.String()
    expires_at = Timestamp()


class ChatCodeListSchema(BaseSchema):
    codes = fields.List(fields.Nested(ChatCodeSchema))


class StartConversationArgs(BaseSchema):
    code = Trimmed(required=True, validate=CODE)
