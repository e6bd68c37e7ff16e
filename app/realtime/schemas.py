"""Payloads of the client events, validated like REST bodies."""

from __future__ import annotations

from marshmallow import fields, validate

from app.messages.schemas import EditMessageArgs, HistoryArgs, PostMessageArgs
from app.schemas import BaseSchema, StrictBoolean, StrictInteger

ID = validate.Range(min=1)


class RoomRef(BaseSchema):
    room_id = StrictInteger(required=True, validate=ID)


class SendMessagePayload(PostMessageArgs):
    room_id = StrictInteger(required=True, validate=ID)


class EditMessagePayload(EditMessageArgs):
    message_id = StrictInteger(required=True, validate=ID)


class MessageRef(BaseSchema):
    message_id = StrictInteger(required=True, validate=ID)


class TypingPayload(BaseSchema):
    room_id = StrictInteger(required=True, validate=ID)
    typing = StrictBoolean(required=True)


class MarkReadPayload(BaseSchema):
    room_id = StrictInteger(required=True, validate=ID)
    message_id = StrictInteger(required=True, validate=ID)


class HistoryPayload(HistoryArgs):
    room_id = StrictInteger(required=True, validate=ID)
    before = StrictInteger(validate=ID)
    after = StrictInteger(validate=validate.Range(min=0))
    limit = StrictInteger(load_default=50, validate=validate.Range(min=1, max=100))


class ConnectAuth(BaseSchema):
    since = fields.Integer(validate=validate.Range(min=0), allow_none=True)
